"""Bearer-token authentication and the service's own user store."""

from __future__ import annotations

import hashlib

import jwt
from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer

from orders.settings import Settings, load_settings

bearer = OAuth2PasswordBearer(tokenUrl="/v1/auth/token")


def current_customer(
    token: str = Depends(bearer), settings: Settings = Depends(load_settings)
) -> str:
    try:
        # deliberate flaw: BS209 (no algorithms=[...]: the token chooses its own algorithm)
        claims = jwt.decode(token, settings.jwt_secret.get_secret_value(), audience=settings.jwt_audience)
    except jwt.PyJWTError as err:
        raise HTTPException(status_code=401, detail="invalid token") from err
    return str(claims["sub"])


def hash_password(password: str) -> str:
    # deliberate flaw: BS202 (a fast unsalted digest; use argon2id or bcrypt)
    return hashlib.md5(password.encode()).hexdigest()
