"""engagement: reactions, reply counts, editors' picks, and the indexes of the public orders

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:40:00

``entry.reactions`` and ``entry.reply_count`` have a constant server default (PostgreSQL
11+ adds them without rewriting the table) and ``entry.featured_at`` is nullable. Reply
counts of existing top-level comments are backfilled in batches of ids, each its own
transaction, before their index is built; ``flask stats rebuild`` recomputes them (and the
article counters) at any time. On PostgreSQL the indexes are built CONCURRENTLY, outside
the migration's transaction, so ``entry`` takes writes meanwhile; an interrupted build
leaves an invalid index, dropped first when the migration runs again.

Every index leads with ``site_id`` (the articles of one site, like ``ix_entry_public``), and
so does the picks' index; ``reaction.site_id`` is its entry's site.

Timed on PostgreSQL with 1,000,000 comments (bench/migration_0009.py: 800,000 top-level over
1,000 articles, 200,000 replies, 1.3 GB; the machine at a load of 8 to 12 on 2 cores, other
test suites running), after 0008: upgrade 73 s (the batched backfill of 160,000 reply counts
and four concurrent index builds; the columns are instant), every index valid; downgrade 5 s.
The keyset reads of "most reactions" and "most replies" are Index Only Scans (Backward) of
their indexes. (Before sites, from 0006: 129 s up, 18 s down, at a load of 14 to 18.)
"""
from alembic import op
import sqlalchemy as sa
import service.persistence.base  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 50_000  # top-level comment ids per backfill transaction
TOP_LEVEL = sa.text('parent_id IS NULL')
INDEXES = [
    ('ix_entry_public_reactions', ['site_id', 'article_id', 'kind', 'status', 'reactions', 'id'], TOP_LEVEL),
    ('ix_entry_public_replies', ['site_id', 'article_id', 'kind', 'status', 'reply_count', 'id'], TOP_LEVEL),
    ('ix_entry_public_rating', ['site_id', 'article_id', 'kind', 'status', 'rating', 'id'], TOP_LEVEL),
    ('ix_entry_featured', ['site_id', 'article_id', 'featured_at'], sa.text('featured_at IS NOT NULL')),
]
# The visible replies of the approved top-level comments with ids in [lo, hi): those reached
# from the comment through approved entries only (what the thread shows).
BACKFILL = sa.text(
    """
    WITH RECURSIVE vis(id, root) AS (
        SELECT id, id FROM entry
        WHERE parent_id IS NULL AND kind = 'comment' AND status = 'approved' AND id >= :lo AND id < :hi
        UNION ALL
        SELECT e.id, vis.root FROM entry e JOIN vis ON e.parent_id = vis.id WHERE e.status = 'approved'
    )
    UPDATE entry SET reply_count = counted.n
    FROM (SELECT root, count(*) - 1 AS n FROM vis GROUP BY root) AS counted
    WHERE entry.id = counted.root AND counted.n > 0
    """
)


def _postgresql():
    return op.get_bind().dialect.name == 'postgresql'


def upgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reactions', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('reply_count', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('featured_at', service.persistence.base.UTCDateTime(), nullable=True))
    op.create_table(
        'reaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(length=64), server_default=sa.text("'default'"), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('reader', sa.String(length=64), nullable=False),
        sa.Column('created_at', service.persistence.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['entry_id'], ['entry.id'], name=op.f('fk_reaction_entry_id_entry'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reaction')),
    )
    op.create_index('uq_reaction_reader', 'reaction', ['entry_id', 'reader'], unique=True)
    if _postgresql():
        with op.get_context().autocommit_block():
            _backfill()
            for name, columns, where in INDEXES:
                op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {name}')
                op.create_index(name, 'entry', columns, postgresql_where=where, postgresql_concurrently=True)
    else:
        _backfill()
        for name, columns, where in INDEXES:
            op.create_index(name, 'entry', columns, sqlite_where=where)


def _backfill():
    bind = op.get_bind()
    low, high = bind.execute(
        sa.text("SELECT min(id), max(id) FROM entry WHERE parent_id IS NULL AND kind = 'comment'")
    ).one()
    if low is None:
        return
    for lo in range(low, high + 1, BATCH):
        bind.execute(BACKFILL, {'lo': lo, 'hi': lo + BATCH})


def downgrade():
    if _postgresql():
        with op.get_context().autocommit_block():
            for name, _, _ in INDEXES:
                op.drop_index(name, table_name='entry', postgresql_concurrently=True, if_exists=True)
    else:
        for name, _, _ in INDEXES:
            op.drop_index(name, table_name='entry')
    op.drop_index('uq_reaction_reader', table_name='reaction')
    op.drop_table('reaction')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('featured_at')
        batch_op.drop_column('reply_count')
        batch_op.drop_column('reactions')
