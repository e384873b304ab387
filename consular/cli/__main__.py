from consular.cli.entry import run

run()
