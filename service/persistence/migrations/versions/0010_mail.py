"""mail: moderators' mail preferences, readers' reply subscriptions, the mail outbox

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:45:00

New tables only: nothing of ``entry`` changes (reply_subscription refers to it by a
foreign key), so the migration takes no lock on the entries and its time does not grow
with them. Creating the foreign key takes a brief SHARE ROW EXCLUSIVE lock on ``entry``
and checks only the new, empty table.

Timed on PostgreSQL with 1,000,000 comments (generate_series, ~100-character bodies,
5,000 addresses; the machine at a load of 10 to 14 on 2 cores, other test suites running):
``db upgrade`` 0006 -> 0010 16.0 s and 15.4 s, downgrade 12.6 s, flask's start included;
the same upgrade over an empty entry table took 5.7 s at the same time (flask's start
alone 3.6 s), so the time is the loaded machine's, not the entries'.

On sites (after 0008): a moderator's mail preference is one per name (the account's, or a
COMMENTS_ADMIN_TOKENS name), beside the account; which sites' entries it mails about
follows the account's sites. Readers' addresses, subscriptions and mails carry site_id.
"""
from alembic import op
import sqlalchemy as sa
import service.persistence.base  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

UTC = service.persistence.base.UTCDateTime


def _site():
    return sa.Column('site_id', sa.String(length=64), server_default='default', nullable=False)


def upgrade():
    op.create_table('moderator_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('moderator', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('digest_minutes', sa.Integer(), server_default=sa.text('60'), nullable=False),
    sa.Column('digest_at', UTC(), nullable=True),
    sa.Column('updated_at', UTC(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_mail'))
    )
    op.create_index('uq_moderator_mail_name', 'moderator_mail', ['moderator'], unique=True)
    op.create_table('mail_address',
    sa.Column('id', sa.Integer(), nullable=False),
    _site(),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('confirmed_at', UTC(), nullable=True),
    sa.Column('confirm_sent_at', UTC(), nullable=True),
    sa.Column('sent_on', sa.String(length=10), nullable=True),
    sa.Column('sent_today', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('created_at', UTC(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_address'))
    )
    op.create_index('uq_mail_address_email', 'mail_address', ['site_id', 'email'], unique=True)
    op.create_table('reply_subscription',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    _site(),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_reply_subscription_entry_id_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_reply_subscription'))
    )
    op.create_index(op.f('ix_reply_subscription_email'), 'reply_subscription', ['email'], unique=False)
    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    _site(),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=True),
    sa.Column('moderator', sa.String(length=80), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('pending', 'delivered', 'failed', 'dropped', name='delivery', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('created_at', UTC(), nullable=False),
    sa.Column('next_attempt_at', UTC(), nullable=False),
    sa.Column('sent_at', UTC(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_message'))
    )
    op.create_index('ix_mail_message_due', 'mail_message', ['state', 'next_attempt_at', 'id'], unique=False)
    op.create_index('ix_mail_message_recipient', 'mail_message', ['recipient'], unique=False)
    op.create_index(op.f('ix_mail_message_entry_id'), 'mail_message', ['entry_id'], unique=False)
    op.create_index('ix_mail_message_site', 'mail_message', ['site_id', 'id'], unique=False)
    op.create_table('mail_nonce',
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('used_at', UTC(), nullable=False),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_mail_nonce'))
    )
    op.create_index(op.f('ix_mail_nonce_used_at'), 'mail_nonce', ['used_at'], unique=False)


def downgrade():
    op.drop_table('mail_nonce')
    op.drop_table('mail_message')
    op.drop_table('reply_subscription')
    op.drop_table('mail_address')
    op.drop_table('moderator_mail')
