# Shared by start.sh and stop.sh: where the private test Dovecot lives and which ports it uses.
# Tests read the same VAULT_DOVECOT_* variables (tests/Vault.TestSupport/TestDovecot.cs), with the same defaults.
DOVECOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${VAULT_DOVECOT_RUN:-$DOVECOT_DIR/run}"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
HOST="${VAULT_DOVECOT_HOST:-127.0.0.1}"
IMAP_PORT="${VAULT_DOVECOT_IMAP_PORT:-10143}"
IMAPS_PORT="${VAULT_DOVECOT_IMAPS_PORT:-10993}"
POP3_PORT="${VAULT_DOVECOT_POP3_PORT:-10110}"
# The oauth2 passdb asks this loopback port (oauth-introspection-relay.py) to introspect XOAUTH2/OAUTHBEARER tokens.
OAUTH_PORT="${VAULT_DOVECOT_OAUTH_PORT:-10180}"
MASTER_USER="${VAULT_DOVECOT_MASTER_USER:-master}"
MASTER_PASSWORD="${VAULT_DOVECOT_MASTER_PASSWORD:-masterpass}"

# Dovecot puts unix sockets under base_dir and a socket path must stay under 108 bytes, so a deep checkout
# keeps base_dir in /tmp (named after the run folder) instead of inside the run folder.
BASE="$RUN/base"
if [ "${#BASE}" -gt 60 ]; then
  BASE="/tmp/vault-dovecot-$(printf '%s' "$RUN" | md5sum | cut -c1-12)"
fi
PIDFILE="$BASE/master.pid"

dovecot_running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

RELAY_PIDFILE="$RUN/oauth-relay.pid"

relay_running() {
  [ -f "$RELAY_PIDFILE" ] && kill -0 "$(cat "$RELAY_PIDFILE")" 2>/dev/null
}
