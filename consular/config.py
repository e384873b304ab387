"""One typed settings object, read from the environment (prefix ``CONSULAR_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSULAR_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///consular.db"
    secret_key: str = DEFAULT_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    # Nationals of this country are the post's to protect; other rows of a list are out of scope.
    home_country: str = "KOR"
    # Rows per page on list endpoints unless the caller asks for fewer.
    page_size_max: int = 500

    @model_validator(mode="after")
    def _no_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "CONSULAR_SECRET_KEY must be set to a random value in production "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
