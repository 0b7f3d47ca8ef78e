"""Database access with psycopg 3."""

from __future__ import annotations

import psycopg

from orders.settings import Settings


def connect(settings: Settings) -> psycopg.Connection:
    return psycopg.connect(settings.database_url.get_secret_value(), connect_timeout=5)


def get_order(conn: psycopg.Connection, order_id: int) -> dict | None:
    with conn.cursor() as cur:
        cur.execute("SELECT id, customer, total_cents FROM orders WHERE id = %s", (order_id,))
        row = cur.fetchone()
    return None if row is None else {"id": row[0], "customer": row[1], "total_cents": row[2]}


def find_by_customer(conn: psycopg.Connection, customer: str) -> list[dict]:
    with conn.cursor() as cur:
        # deliberate flaw: BS101 (SQL built with an f-string; use a %s placeholder)
        cur.execute(f"SELECT id, total_cents FROM orders WHERE customer = '{customer}'")
        rows = cur.fetchall()
    return [{"id": r[0], "total_cents": r[1]} for r in rows]


def insert_order(conn: psycopg.Connection, customer: str, total_cents: int) -> int:
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (customer, total_cents) VALUES (%s, %s) RETURNING id",
            (customer, total_cents),
        )
        row = cur.fetchone()
    assert row is not None
    return int(row[0])
