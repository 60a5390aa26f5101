#!/usr/bin/env bash
# Usage: dotnet build src/Vault.Api -c Release && tests/Vault.Benchmarks/export-timing.sh   (needs ../shared, python3, curl)
# Export throughput and RSS for the 10,000-message benchmark mailbox: import it as a zip upload, then time the exports.
set -euo pipefail
B=${TMPDIR:-/tmp}/vault-export-bench
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p $B
[ -d $B/maildir ] || python3 $ROOT/../shared/bench/gen_corpus.py --out $B/maildir --count 10000 --seed 42 --manifest $B/manifest.json >/dev/null
cd $B
if [ ! -f mail.zip ]; then
python3 - "$B/maildir" "$B/mail.zip" <<'PY'
import os, zipfile
import sys; root=sys.argv[1]
with zipfile.ZipFile(sys.argv[2],'w',zipfile.ZIP_STORED) as z:
    for d in sorted(os.listdir(root)):
        full=os.path.join(root,d)
        if d == 'cur':
            folder='INBOX'; dirs=[root]
        elif d.startswith('.'):
            folder=d[1:].replace('.','/'); dirs=[full]
        else: continue
        for base in dirs:
            for sub in ('cur','new'):
                p=os.path.join(base,sub)
                if os.path.isdir(p):
                    for f in sorted(os.listdir(p)):
                        z.write(os.path.join(p,f), f"{folder}/{f.replace(':','_')}.eml")
PY
fi
rm -rf data; mkdir data
Vault__DataDirectory=$B/data Vault__ApiKey=k dotnet $ROOT/src/Vault.Api/bin/Release/net10.0/Vault.Api.dll --urls http://127.0.0.1:5987 > vault.log 2>&1 &
PID=$!
trap "kill $PID" EXIT
until curl -s -o /dev/null http://127.0.0.1:5987/healthz; do sleep 0.5; done
ID=$(curl -s -H 'Authorization: Bearer k' -F name=bench -F files=@mail.zip http://127.0.0.1:5987/api/sources/import | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
until curl -s -H 'Authorization: Bearer k' http://127.0.0.1:5987/api/sources/$ID | grep -q '"status":"Active"'; do sleep 1; done
until curl -s -H 'Authorization: Bearer k' http://127.0.0.1:5987/api/sources/$ID | python3 -c 'import json,sys; p=json.load(sys.stdin)["progress"]; sys.exit(0 if p["messagesIndexed"]==p["messagesArchived"] else 1)'; do sleep 1; done
curl -s -H 'Authorization: Bearer k' http://127.0.0.1:5987/api/sources/$ID | python3 -c 'import json,sys; p=json.load(sys.stdin)["progress"]; print("archived", p["messagesArchived"], "bytes", p["bytesArchived"])'
for fmt in zip mbox zip mbox; do
  base=$(awk '/VmRSS/{print $2}' /proc/$PID/status)
  ( peak=0; while kill -0 $PID 2>/dev/null && [ ! -f $B/stop ]; do r=$(awk '/VmRSS/{print $2}' /proc/$PID/status); [ "$r" -gt "$peak" ] && peak=$r; echo $peak > $B/peak; sleep 0.05; done ) &
  S=$!
  start=$(date +%s.%N)
  bytes=$(curl -s -H 'Authorization: Bearer k' -o /dev/null -w '%{size_download}' "http://127.0.0.1:5987/api/sources/$ID/export?format=$fmt")
  end=$(date +%s.%N)
  touch $B/stop; wait $S; rm -f $B/stop
  python3 -c "import sys; b=$bytes; t=$end-$start; print(f'$fmt: {b/1e6:.1f} MB in {t:.2f} s = {b/1e6/t:.1f} MB/s; RSS before {$base/1024:.0f} MiB, peak during export {int(open(\"$B/peak\").read())/1024:.0f} MiB')"
done
