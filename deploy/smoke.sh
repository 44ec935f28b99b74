#!/usr/bin/env bash
# Smoke checklist of a running LedgerPost deployment, over its public API only.
#
#   deploy/smoke.sh BASE_URL TOKEN [SMTP_HOST SMTP_PORT]
#
#   BASE_URL   the gateway, e.g. http://127.0.0.1:8000
#   TOKEN      an admin token of a tenant with demo books (`make run` prints one for "demo")
#   SMTP_HOST SMTP_PORT  a catch-all SMTP sink without authentication that the mail-service
#              can reach: default `127.0.0.1 1025` (the sink of `make run`); `mailpit 1025` in compose
#
# Checks, in order: readiness; a ledger CSV export (queued, rendered, downloaded); the tenant's
# SMTP settings pointed at the sink and a test email; a party directory entry for one ledger and
# a ledger statement emailed to it without a typed To; the internal-only outstanding report
# (refused for an external address, sent to an internal one); a schedule run now, its email in
# the audit, and the schedule deleted. Prints `ok  <check>` or `FAIL <check>: <why>` and stops
# at the first failure (exit 1; 2 for bad usage).
#
# What it changes in the tenant, and puts back on exit (even after a failure): the SMTP settings
# (restored as they were; when the tenant had none, the sink's stay; a tenant with a stored SMTP
# password is refused, since a change of server needs the password again),
# the directory entry of the first ledger (restored or removed) and its own schedule. Emails and
# export jobs stay, like any user's. Names are unique per run, so it can run again and again.
#
# Needs bash, curl and python3 (for JSON). SMOKE_TIMEOUT (60) bounds every wait, in seconds.
set -Eeuo pipefail

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
[[ $# -eq 2 || $# -eq 4 ]] || usage
for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "FAIL setup: $tool is not installed" >&2; exit 2; }
done

BASE_URL=${1%/}
TOKEN=$2
SMTP_HOST=${3:-127.0.0.1}
SMTP_PORT=${4:-1025}
TIMEOUT=${SMOKE_TIMEOUT:-60}
HTTP_TIMEOUT=$((TIMEOUT > 30 ? TIMEOUT : 30)) # the test email waits for the SMTP timeout
RUN_ID=$(date -u +%Y%m%d%H%M%S)-$$
API=/api/v1

WORK=$(mktemp -d) # mode 700: the token below is readable by us only
RESP=$WORK/response
# The token goes to curl in a header file, not on its command line (visible in `ps`).
printf 'Authorization: Bearer %s\nX-Correlation-ID: smoke-%s\n' "$TOKEN" "$RUN_ID" >"$WORK/headers"

STEP=setup
PASSED=0
STATUS=000

# What the exit trap puts back; filled in as the checks change things.
SMTP_RESTORE=""    # the previous settings as a PUT body
DIRECTORY_ID=""    # our directory entry...
DIRECTORY_RESTORE="" # ...and the entry it replaced (empty: we created it, so delete it)
SCHEDULE_ID=""

# --- output -------------------------------------------------------------------------------

step() { STEP=$1; }

ok() {
    PASSED=$((PASSED + 1))
    echo "ok  $STEP${1:+ ($1)}"
}

fail() {
    echo "FAIL $STEP: $1"
    exit 1
}

on_error() {
    echo "FAIL $STEP: unexpected error at line $1: $2"
    exit 1
}
trap 'on_error "$LINENO" "$BASH_COMMAND"' ERR

# --- JSON through python3 (no jq) ----------------------------------------------------------

# jget FILE EXPR: EXPR evaluated with `d` the parsed FILE; strings bare, None empty, the rest JSON.
jget() {
    python3 - "$1" "$2" <<'PY'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        d = json.load(f)
    v = eval(sys.argv[2], {"d": d})  # the expressions are this script's own constants
except Exception as exc:  # noqa: BLE001 - reported to the caller as one line
    sys.exit(f"cannot read {sys.argv[2]} from the response: {type(exc).__name__}: {exc}")
print("" if v is None else v if isinstance(v, str) else json.dumps(v))
PY
}

# mkjson TEMPLATE ARG...: the JSON of the Python expression TEMPLATE, where a[i] is the i-th ARG
# (values are passed as arguments, never pasted into the code).
mkjson() {
    python3 -c 'import json, sys; print(json.dumps(eval(sys.argv[1], {"a": sys.argv[2:]})))' "$@"
}

urlq() {
    python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"
}

# --- HTTP ----------------------------------------------------------------------------------

# http METHOD PATH [BODY]: sets STATUS, the body in $RESP; returns 1 when nothing answered.
http() {
    local args=(-sS -o "$RESP" -w '%{http_code}' -X "$1" -H "@$WORK/headers"
        --max-time "$HTTP_TIMEOUT")
    if [[ -n ${3-} ]]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$3")
    fi
    : >"$RESP"
    STATUS=$(curl "${args[@]}" "$BASE_URL$2" 2>"$WORK/curl.err") || {
        STATUS=000
        return 1
    }
}

# api METHOD PATH [BODY]: http, failing the check when nothing answered.
api() {
    http "$@" || fail "$1 $2: $(tr -d '\n' <"$WORK/curl.err")"
}

# The response for a failure message: the problem's detail when there is one, else the start.
answer() {
    local detail
    if [[ $STATUS == 000 ]]; then
        echo "no answer: $(tr -d '\n' <"$WORK/curl.err")"
        return
    fi
    detail=$(jget "$RESP" 'd.get("detail") or d.get("title") or d' 2>/dev/null) ||
        detail=$(head -c 300 "$RESP")
    echo "HTTP $STATUS: ${detail:0:400}"
}

expect() {
    [[ $STATUS == "$1" ]] || fail "$2 answered $(answer), expected $1"
}

# poll PATH WANT "BAD..." [FIELD]: GET PATH every second until FIELD (`status`) is WANT;
# fails at once on a BAD state, or after $TIMEOUT seconds. The last answer stays in $RESP.
poll() {
    local path=$1 want=$2 bad=" $3 " field=${4:-status} deadline=$((SECONDS + TIMEOUT)) state
    while :; do
        api GET "$path"
        expect 200 "GET $path"
        state=$(jget "$RESP" "d[\"$field\"]")
        [[ $state == "$want" ]] && return 0
        if [[ $bad == *" $state "* ]]; then
            fail "$path is $state: $(jget "$RESP" 'd.get("error") or d')"
        fi
        ((SECONDS < deadline)) || fail "$path still $state after ${TIMEOUT}s (waiting for $want)"
        sleep 1
    done
}

# --- putting things back -------------------------------------------------------------------

cleanup() {
    local code=$?
    trap - ERR
    set +e
    if [[ -n $SCHEDULE_ID ]]; then
        http DELETE "$API/schedules/$SCHEDULE_ID"
        echo "cleanup: schedule $SCHEDULE_ID deleted (HTTP $STATUS)"
    fi
    if [[ -n $DIRECTORY_ID && -n $DIRECTORY_RESTORE ]]; then
        http PUT "$API/party-emails/$DIRECTORY_ID" "$DIRECTORY_RESTORE"
        echo "cleanup: directory entry restored (HTTP $STATUS)"
    elif [[ -n $DIRECTORY_ID ]]; then
        http DELETE "$API/party-emails/$DIRECTORY_ID"
        echo "cleanup: directory entry removed (HTTP $STATUS)"
    fi
    if [[ -n $SMTP_RESTORE ]]; then
        http PUT "$API/admin/email-settings" "$SMTP_RESTORE"
        echo "cleanup: SMTP settings restored (HTTP $STATUS)"
    fi
    rm -rf "$WORK"
    exit "$code"
}
trap cleanup EXIT

# --- the checks ----------------------------------------------------------------------------

echo "smoke: $BASE_URL, run $RUN_ID, SMTP sink $SMTP_HOST:$SMTP_PORT"

step "health"
deadline=$((SECONDS + TIMEOUT))
until http GET /readyz && [[ $STATUS == 200 ]]; do
    ((SECONDS < deadline)) || fail "GET /readyz: $(answer) after ${TIMEOUT}s"
    sleep 1
done
ok "GET /readyz 200"

step "pick a ledger"
api GET "$API/ledgers?search=&limit=1"
expect 200 "GET /ledgers"
LEDGER=$(jget "$RESP" 'd["items"][0]["name"] if d["items"] else ""')
[[ -n $LEDGER ]] || fail "the tenant has no ledgers: load demo books first"
TODAY=$(python3 -c 'import datetime; print(datetime.date.today())')
FROM=$(python3 -c 'import datetime; print(datetime.date.today() - datetime.timedelta(days=364))')
ok "$LEDGER"

step "export job queued"
api POST "$API/exports/jobs" "$(mkjson \
    '{"report": "ledger", "format": "csv",
      "params": {"ledger": a[0], "from_date": a[1], "to_date": a[2]}}' \
    "$LEDGER" "$FROM" "$TODAY")"
expect 202 "POST /exports/jobs"
JOB_ID=$(jget "$RESP" 'd["id"]')
ok "$JOB_ID"

step "export job succeeded"
poll "$API/exports/jobs/$JOB_ID" succeeded "failed expired"
DOWNLOAD=$(jget "$RESP" 'd["download_url"]')
ok "$(jget "$RESP" 'd["row_count"]') rows, $(jget "$RESP" 'd["file_size"]') bytes"

step "export download"
api GET "$DOWNLOAD"
expect 200 "GET $DOWNLOAD"
[[ -s $RESP ]] || fail "the file is empty"
# The file starts with a UTF-8 byte-order mark (a tenant setting, on by default): not the header.
HEADER=$(head -n 1 "$RESP" | tr -d '\r' | sed '1s/^\xEF\xBB\xBF//')
[[ $HEADER == date,* && $HEADER == *balance* ]] ||
    fail "no CSV header line; the file starts: $(head -c 200 "$RESP")"
ok "$(wc -c <"$RESP" | tr -d ' ') bytes, header $HEADER"

step "tenant domains"
api GET "$API/admin/tenant"
expect 200 "GET /admin/tenant"
DOMAINS=$(jget "$RESP" 'd["internal_domains"] or ["smoke.example"]')
DOMAIN=$(jget "$RESP" '(d["internal_domains"] or ["smoke.example"])[0]')
ok "internal domains $DOMAINS"

step "SMTP settings saved"
api GET "$API/admin/email-settings"
case $STATUS in
200) # kept to put back on exit. A stored password cannot be kept across a change of server
    # (the gateway asks for it again), so a tenant holding one is left alone.
    if [[ $(jget "$RESP" 'd["has_password"]') == true ]]; then
        fail "the tenant has a stored SMTP password: pointing its settings at the sink would need it typed again afterwards; run the smoke on a tenant without one"
    fi
    SMTP_RESTORE=$(python3 - "$RESP" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
keys = ("host", "port", "security", "username", "from_email", "from_name", "reply_to",
        "timeout_seconds", "max_attachment_mb", "delivery", "link_ttl_days", "internal_domains")
print(json.dumps({k: d[k] for k in keys}))
PY
)
    ;;
404) ;; # never configured: nothing to put back
*) fail "GET /admin/email-settings answered $(answer)" ;;
esac
# No username, so no login (and no stored password, checked above).
api PUT "$API/admin/email-settings" "$(mkjson \
    '{"host": a[0], "port": int(a[1]), "security": "none", "username": None,
      "from_email": "reports@" + a[2], "from_name": "LedgerPost smoke", "timeout_seconds": 10,
      "internal_domains": __import__("json").loads(a[3])}' \
    "$SMTP_HOST" "$SMTP_PORT" "$DOMAIN" "$DOMAINS")"
expect 200 "PUT /admin/email-settings"
ok "$SMTP_HOST:$SMTP_PORT, from reports@$DOMAIN"

step "SMTP test email"
api POST "$API/admin/email-settings/test" "$(mkjson '{"to": a[0]}' "smoke-$RUN_ID@$DOMAIN")"
expect 200 "POST /admin/email-settings/test"
if [[ $(jget "$RESP" 'd["ok"]') != true ]]; then
    WHY=$(jget "$RESP" '" ".join(x for x in (d["status"], d.get("error_class")) if x)')
    fail "not sent ($WHY): $(jget "$RESP" 'd.get("reason") or d')"
fi
ok "SMTP $(jget "$RESP" 'd.get("smtp_code")')"

step "party directory entry"
PARTY_TO="party-$RUN_ID@$DOMAIN"
api POST "$API/party-emails" "$(mkjson '{"ledger_name": a[0], "to": [a[1]]}' "$LEDGER" "$PARTY_TO")"
case $STATUS in
201)
    DIRECTORY_ID=$(jget "$RESP" 'd["id"]')
    ok "created for $LEDGER: $PARTY_TO"
    ;;
409) # the ledger has an entry: replace it now, put it back on exit
    api GET "$API/party-emails/lookup?ledger=$(urlq "$LEDGER")"
    expect 200 "GET /party-emails/lookup"
    EXISTING_ID=$(jget "$RESP" 'd["id"]')
    EXISTING=$(jget "$RESP" '{k: d[k] for k in ("ledger_name", "party_name", "to", "cc", "bcc")}')
    api PUT "$API/party-emails/$EXISTING_ID" "$(mkjson \
        'dict(__import__("json").loads(a[0]), to=[a[1]], cc=[], bcc=[])' "$EXISTING" "$PARTY_TO")"
    expect 200 "PUT /party-emails/$EXISTING_ID"
    DIRECTORY_ID=$EXISTING_ID
    DIRECTORY_RESTORE=$EXISTING
    ok "replaced for $LEDGER: $PARTY_TO"
    ;;
*) fail "POST /party-emails answered $(answer)" ;;
esac

step "ledger email queued (To from the directory)"
api POST "$API/reports/ledger/email" "$(mkjson \
    '{"ledger": a[0], "from_date": a[1], "to_date": a[2], "format": "csv"}' \
    "$LEDGER" "$FROM" "$TODAY")"
expect 202 "POST /reports/ledger/email"
SOURCE=$(jget "$RESP" 'd["to_source"]')
TO=$(jget "$RESP" '",".join(d["recipients"]["to"])')
[[ $SOURCE == directory ]] || fail "to_source is $SOURCE, expected directory"
[[ $TO == "$PARTY_TO" ]] || fail "sent to $TO, expected the directory's $PARTY_TO"
EMAIL_ID=$(jget "$RESP" 'd["email_id"]')
ok "to $TO"

step "ledger email sent"
poll "$API/emails/$EMAIL_ID" sent "failed rejected"
ok "$EMAIL_ID"

step "outstanding email refused for an external address"
api POST "$API/reports/outstanding/email" \
    "$(mkjson '{"kind": "receivable", "to": [a[0]]}' "someone-$RUN_ID@external.example")"
expect 409 "POST /reports/outstanding/email to an external address"
ok "409 $(jget "$RESP" 'd.get("code")'): $(jget "$RESP" 'd.get("detail")')"

step "outstanding email queued"
INTERNAL_TO="accounts-$RUN_ID@$DOMAIN"
api POST "$API/reports/outstanding/email" \
    "$(mkjson '{"kind": "receivable", "format": "pdf", "to": [a[0]]}' "$INTERNAL_TO")"
expect 202 "POST /reports/outstanding/email"
EMAIL_ID=$(jget "$RESP" 'd["email_id"]')
ok "to $INTERNAL_TO"

step "outstanding email sent"
poll "$API/emails/$EMAIL_ID" sent "failed rejected"
ok "$EMAIL_ID"

step "schedule created"
SCHEDULE_TO="schedule-$RUN_ID@$DOMAIN"
api POST "$API/schedules" "$(mkjson \
    '{"name": "smoke " + a[0], "report": "outstanding", "format": "xlsx",
      "params": {"kind": "payable"}, "preset": {"kind": "daily", "time": "07:00"},
      "recipients": {"to": [a[1]]}}' \
    "$RUN_ID" "$SCHEDULE_TO")"
expect 201 "POST /schedules"
SCHEDULE_ID=$(jget "$RESP" 'd["id"]')
ok "$SCHEDULE_ID, cron $(jget "$RESP" 'd["cron"]') $(jget "$RESP" 'd["timezone"]')"

step "schedule run requested"
api POST "$API/schedules/$SCHEDULE_ID/run"
expect 202 "POST /schedules/$SCHEDULE_ID/run"
RUN=$(jget "$RESP" 'd["id"]')
ok "$RUN"

step "schedule run succeeded"
poll "$API/schedule-runs/$RUN" succeeded "failed skipped missed"
RUN_EMAIL=$(jget "$RESP" 'd["email_id"]')
[[ -n $RUN_EMAIL ]] || fail "the run succeeded without an email"
SENT=$(jget "$RESP" 'sum(1 for row in d["audit"] if row["status"] == "sent")')
[[ $SENT -ge 1 ]] || fail "the run's audit has no sent attempt: $(jget "$RESP" 'd["audit"]')"
ok "email $RUN_EMAIL"

step "email audit shows the scheduled send"
api GET "$API/email-audit?trigger=scheduled&status=sent&recipient=$(urlq "$SCHEDULE_TO")&limit=10"
expect 200 "GET /email-audit"
FOUND=$(jget "$RESP" \
    "','.join(a for r in d['items'] if r['email_id'] == '$RUN_EMAIL' for a in r['to'])")
[[ -n $FOUND ]] || fail "no sent scheduled attempt of email $RUN_EMAIL in the audit"
ok "sent to $FOUND"

step "schedule deleted"
api DELETE "$API/schedules/$SCHEDULE_ID"
expect 204 "DELETE /schedules/$SCHEDULE_ID"
SCHEDULE_ID=""
ok

echo "smoke: $PASSED checks passed"
