"""signed-in readers, bans, author records, closed threads, edits

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:40:00

``entry`` gets three nullable columns (metadata only on PostgreSQL 11+, no rewrite) and an
index on ``author_id``, built concurrently on PostgreSQL outside the migration's
transaction (every existing row is null: nothing to backfill). The other tables are new.

Timed on PostgreSQL with 1,000,000 comments (1,140 MB with indexes, filled with
generate_series: ~100-character bodies, 5,000 articles and client hashes, 50,000 emails;
the machine shared with other work): `flask db upgrade` 0006 -> 0011 took 7.2 s wall, flask
start included, almost all of it the concurrent build of ix_entry_author (valid
afterwards); `db downgrade 0006` 15.8 s. The column additions are catalogue-only.

Re-chained after 0009 engagement and 0010 mail (down_revision 0010). After sites: ix_entry_author is (site_id, author_id), ix_audit_event_subject
(site_id, subject)), again on PostgreSQL with 1,000,000 entries at 0008 (1,298 MB, a quarter
on a second site, 50,000 emails, 5,000 clients, generate_series fill 160 s), load 7 to 9:
`flask db upgrade 0008 -> 0011` 6.1 s wall, flask start included, both indexes valid;
`db downgrade 0008` 3.1 s.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _site():
    return sa.Column('site_id', sa.String(length=64), server_default='default', nullable=False)


def upgrade():
    op.add_column('entry', sa.Column('author_id', sa.String(length=128), nullable=True))
    op.add_column('entry', sa.Column('badge', sa.String(length=32), nullable=True))
    op.add_column('entry', sa.Column('edited_at', sa.DateTime(), nullable=True))
    op.create_table(
        'thread_state',
        _site(),
        sa.Column('article_id', sa.String(length=128), nullable=False),
        sa.Column('mode', sa.String(length=8), server_default='auto', nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('closed_by', sa.String(length=80), nullable=True),
        sa.Column('first_entry_at', sa.DateTime(), nullable=True),
        sa.Column('article_date', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('site_id', 'article_id', name=op.f('pk_thread_state')),
    )
    op.create_table(
        'entry_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        _site(),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('body_source', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=True),
        sa.Column('toxicity', sa.Float(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_revision')),
    )
    op.create_index(op.f('ix_entry_revision_entry_id'), 'entry_revision', ['entry_id'], unique=False)
    op.create_table(
        'ban',
        sa.Column('id', sa.Integer(), nullable=False),
        _site(),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('value', sa.String(length=254), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=True),
        sa.Column('author', sa.String(length=80), nullable=True),
        sa.Column('reason', sa.String(length=1000), nullable=False),
        sa.Column('moderator', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=True),
        sa.Column('lifted_at', sa.DateTime(), nullable=True),
        sa.Column('lifted_by', sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ban')),
    )
    op.create_index('ix_ban_identity', 'ban', ['site_id', 'kind', 'value'], unique=False)
    op.create_table(
        'author_record',
        _site(),
        sa.Column('author_key', sa.String(length=300), nullable=False),
        sa.Column('approved', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('rejected', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('spam', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('first_seen_at', sa.DateTime(), nullable=False),
        sa.Column('always_hold', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.PrimaryKeyConstraint('site_id', 'author_key', name=op.f('pk_author_record')),
    )
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        _site(),
        sa.Column('subject', sa.String(length=316), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('moderator', sa.String(length=80), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    )
    op.create_index('ix_audit_event_subject', 'audit_event', ['site_id', 'subject'], unique=False)
    if op.get_context().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_entry_author')  # left invalid by an interrupted run
            op.create_index('ix_entry_author', 'entry', ['site_id', 'author_id'], postgresql_concurrently=True)
    else:
        op.create_index('ix_entry_author', 'entry', ['site_id', 'author_id'])


def downgrade():
    if op.get_context().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.drop_index('ix_entry_author', 'entry', postgresql_concurrently=True, if_exists=True)
    else:
        op.drop_index('ix_entry_author', 'entry')
    op.drop_index('ix_audit_event_subject', table_name='audit_event')
    op.drop_table('audit_event')
    op.drop_table('author_record')
    op.drop_index('ix_ban_identity', table_name='ban')
    op.drop_table('ban')
    op.drop_index(op.f('ix_entry_revision_entry_id'), table_name='entry_revision')
    op.drop_table('entry_revision')
    op.drop_table('thread_state')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('edited_at')
        batch_op.drop_column('badge')
        batch_op.drop_column('author_id')
