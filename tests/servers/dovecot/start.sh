#!/usr/bin/env bash
# Starts a private Dovecot for the tests on loopback (not the system service): IMAP with STARTTLS, IMAPS and
# POP3 with STLS, a self-signed certificate, per-user passwd-files the tests add at run time, a master user, and
# XOAUTH2/OAUTHBEARER checked by introspection through oauth-introspection-relay.py (python3), which it starts too.
# Installs Debian's dovecot-imapd/dovecot-pop3d when Dovecot is missing. Idempotent; stop.sh stops both.
#   start.sh --reload   renders the config again and reloads a Dovecot that is already running (doveadm reload)
#   VAULT_DOVECOT_RUN   run folder (config, certificate, users, mail, logs); default tests/servers/dovecot/run
#   VAULT_DOVECOT_{IMAP,IMAPS,POP3,OAUTH}_PORT, VAULT_DOVECOT_MASTER_USER, VAULT_DOVECOT_MASTER_PASSWORD
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

reload=0
if [ "${1:-}" = "--reload" ]; then
  reload=1
fi

print_ports() {
  echo "test Dovecot on $HOST: IMAP $IMAP_PORT (STARTTLS), IMAPS $IMAPS_PORT, POP3 $POP3_PORT (STLS); master user $MASTER_USER"
  echo "OAuth2 token introspection relay on $HOST:$OAUTH_PORT (pid $(cat "$RELAY_PIDFILE" 2>/dev/null || echo none))"
  echo "run folder: $RUN"
}

# The relay must listen before a test logs in with XOAUTH2; it holds no state, so one started earlier is kept.
start_relay() {
  if relay_running; then
    return
  fi
  nohup python3 "$DOVECOT_DIR/oauth-introspection-relay.py" "$HOST" "$OAUTH_PORT" \
    >>"$RUN/log/oauth-relay.log" 2>&1 </dev/null &
  echo $! > "$RELAY_PIDFILE"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/$HOST/$OAUTH_PORT") 2>/dev/null; then
      return
    fi
    if ! relay_running; then
      break
    fi
    sleep 0.1
  done
  echo "the OAuth2 introspection relay did not open $HOST:$OAUTH_PORT; its log follows" >&2
  tail -n 20 "$RUN/log/oauth-relay.log" >&2 || true
  exit 1
}

if ! dovecot_running && ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Dovecot is not installed; run: sudo apt-get install dovecot-imapd dovecot-pop3d" >&2
    exit 1
  fi
  # Keep the package's post-install from starting the system service: only our private instance should run.
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends dovecot-imapd dovecot-pop3d >/dev/null
  if [ "$policy_added" -eq 1 ]; then
    rm -f /usr/sbin/policy-rc.d
  fi
fi
DOVECOT="$(command -v dovecot || echo /usr/sbin/dovecot)"

version="$("$DOVECOT" --version)"
case "$version" in
  2.3.*) ;;
  *) echo "warning: config written for Dovecot 2.3 (Debian 12); found $version" >&2 ;;
esac

mkdir -p "$RUN"/{state,log,ssl,mail,home,users} "$BASE"
# The login and auth processes run as Dovecot's own unprivileged users when started as root.
chmod 755 "$RUN" "$RUN/ssl" "$RUN/users"

if [ ! -f "$RUN/ssl/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$RUN/ssl/key.pem" -out "$RUN/ssl/cert.pem" 2>/dev/null
fi

dh=/usr/share/dovecot/dh.pem
if [ ! -f "$dh" ]; then
  dh="$RUN/ssl/dh.pem"
  [ -f "$dh" ] || openssl dhparam -dsaparam -out "$dh" 2048 2>/dev/null
fi

echo "$MASTER_USER:{PLAIN}$MASTER_PASSWORD" > "$RUN/master.passwd"
chmod 644 "$RUN/master.passwd"

mail_uid="$(id -u)"
mail_gid="$(id -g)"
nonroot=""
if [ "$(id -u)" -eq 0 ]; then
  mail_uid="$(id -u nobody)"
  mail_gid="$(id -g nobody)"
  chown "$mail_uid:$mail_gid" "$RUN/mail"
  chmod 1777 "$RUN/mail"
  if ! runuser -u nobody -- test -w "$RUN/mail" -a -r "$RUN/master.passwd"; then
    echo "Dovecot's unprivileged processes cannot reach $RUN (a parent folder is private)." >&2
    echo "Set VAULT_DOVECOT_RUN to a folder under /tmp, for start.sh, stop.sh and the tests alike." >&2
    exit 1
  fi
else
  # Dovecot without root: every service runs as the current user and nothing is chrooted.
  user="$(id -un)"
  nonroot="default_login_user = $user
default_internal_user = $user
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
service pop3-login {
  chroot =
}"
fi

conf="$RUN/dovecot.conf"
render() {
  awk -v nonroot="$nonroot" '{ if ($0 == "@NONROOT@") print nonroot; else print }' "$1" \
    | sed -e "s|@RUN@|$RUN|g" -e "s|@BASE@|$BASE|g" -e "s|@HOST@|$HOST|g" -e "s|@DH@|$dh|g" \
          -e "s|@UID@|$mail_uid|g" -e "s|@GID@|$mail_gid|g" \
          -e "s|@IMAP_PORT@|$IMAP_PORT|g" -e "s|@IMAPS_PORT@|$IMAPS_PORT|g" -e "s|@POP3_PORT@|$POP3_PORT|g" \
          -e "s|@OAUTH_PORT@|$OAUTH_PORT|g"
}

if dovecot_running; then
  if [ "$reload" -eq 1 ]; then
    render "$DOVECOT_DIR/dovecot-oauth2.conf.ext.in" > "$RUN/dovecot-oauth2.conf.ext"
    chmod 644 "$RUN/dovecot-oauth2.conf.ext"
    render "$DOVECOT_DIR/dovecot.conf.in" > "$conf"
    doveadm -c "$conf" reload
    echo "test Dovecot reloaded with a fresh $conf"
  else
    echo "test Dovecot already running (pid $(cat "$PIDFILE"))"
  fi
  start_relay
  print_ports
  exit 0
fi

render "$DOVECOT_DIR/dovecot-oauth2.conf.ext.in" > "$RUN/dovecot-oauth2.conf.ext"
chmod 644 "$RUN/dovecot-oauth2.conf.ext"
render "$DOVECOT_DIR/dovecot.conf.in" > "$conf"

start_relay
"$DOVECOT" -c "$conf"

# Ready when the IMAP port accepts a connection.
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/$HOST/$IMAP_PORT") 2>/dev/null; then
    echo "test Dovecot started (pid $(cat "$PIDFILE"), $version)"
    print_ports
    exit 0
  fi
  sleep 0.1
done
echo "test Dovecot did not open $HOST:$IMAP_PORT within 10 s; log follows" >&2
tail -n 30 "$RUN/log/dovecot.log" >&2 || true
exit 1
