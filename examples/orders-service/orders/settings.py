"""All configuration, read once from the environment and validated at startup."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERS_")

    database_url: SecretStr
    jwt_secret: SecretStr
    jwt_audience: str = "orders-api"
    pricing_url: str = "http://pricing.internal"
    access_token_minutes: int = 10


def load_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # values come from the environment
