from consular.cli.main import app

app(prog_name="consular")
