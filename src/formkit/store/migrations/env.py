"""Alembic runs migrations on the connection formkit hands it (see `formkit.store.database`)."""

from __future__ import annotations

from alembic import context

from formkit.store._tables import declared, metadata

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: formkit's own command is `formkit migrate`
    raise SystemExit("Run migrations with `formkit migrate`.")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    include_object=declared,
)
with context.begin_transaction():
    context.run_migrations()
