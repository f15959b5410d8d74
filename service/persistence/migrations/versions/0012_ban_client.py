"""a ban from an anonymous entry also holds its client hash; one review per signed-in reader

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:50:00

``ban`` gets a nullable ``client_hash`` (metadata only, no rewrite) and an index on
(site_id, client_hash). ``entry`` gets the partial unique index
``uq_entry_review_author`` (site_id, article_id, author_id) over reviews of signed-in
readers. Both are built concurrently on PostgreSQL, outside the migration's transaction
(an index an interrupted run left invalid is dropped first). No row is rewritten.

Timed on PostgreSQL with 1,030,000 entries at 0011 (`flask demo-data --articles 5000
--comments 1000000 --reviews 20000 --pending 10000`, 617 s; 1,474 MB; load average 5 on 2
cores, other work running): `flask db upgrade` 0011 -> 0012 5.8 s wall, flask start
included, both indexes valid; `db downgrade 0011` 4.6 s; upgrade again 4.7 s.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


REVIEWS = "kind = 'review' AND author_id IS NOT NULL"


def upgrade():
    op.add_column('ban', sa.Column('client_hash', sa.String(length=64), nullable=True))
    if op.get_context().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_ban_client')  # left invalid by an interrupted run
            op.create_index('ix_ban_client', 'ban', ['site_id', 'client_hash'], postgresql_concurrently=True)
            op.execute('DROP INDEX CONCURRENTLY IF EXISTS uq_entry_review_author')
            op.create_index(
                'uq_entry_review_author', 'entry', ['site_id', 'article_id', 'author_id'], unique=True,
                postgresql_where=sa.text(REVIEWS), postgresql_concurrently=True,
            )
    else:
        op.create_index('ix_ban_client', 'ban', ['site_id', 'client_hash'])
        op.create_index(
            'uq_entry_review_author', 'entry', ['site_id', 'article_id', 'author_id'], unique=True,
            sqlite_where=sa.text(REVIEWS),
        )


def downgrade():
    if op.get_context().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.drop_index('uq_entry_review_author', 'entry', postgresql_concurrently=True, if_exists=True)
            op.drop_index('ix_ban_client', 'ban', postgresql_concurrently=True, if_exists=True)
    else:
        op.drop_index('uq_entry_review_author', 'entry')
        op.drop_index('ix_ban_client', 'ban')
    with op.batch_alter_table('ban') as batch_op:
        batch_op.drop_column('client_hash')
