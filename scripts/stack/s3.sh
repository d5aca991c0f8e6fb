# shellcheck shell=bash
# shellcheck disable=SC2016  # single-quoted scripts for node -e / bash -c expand later, by design
# Local S3: single-node Ceph (1 mon, 1 bluestore osd on a sparse 10 GiB file, 1 radosgw) from Debian packages.
# radosgw enforces SigV4, presigned-URL expiry and signatures like AWS S3.
# Access/secret keys are generated on first init and kept in $STATE/s3/credentials (mode 0600).

S3_PORT=${S3_PORT:-7480}
S3_BUCKET=${S3_BUCKET:-oneshot-local}
S3_STATE=$STATE_DIR/s3
S3_CONF=$S3_STATE/ceph.conf
S3_CREDS=$S3_STATE/credentials
S3_UID=oneshot

# unix sockets (admin sockets) are limited to 107 bytes: use a short run dir when the state path is long
if (( ${#S3_STATE} > 60 )); then
  S3_RUN=/tmp/oneshot-ceph-$(printf '%s' "$S3_STATE" | sha256sum | cut -c1-12)
else
  S3_RUN=$S3_STATE/run
fi

s3_endpoint() { printf 'http://127.0.0.1:%s\n' "$S3_PORT"; }

# true when S3_ENDPOINT is unset or points at the stack's own radosgw
s3_is_local_endpoint() {
  local e=${S3_ENDPOINT:-}
  e=${e%/}
  [[ -z $e || $e == "http://127.0.0.1:$S3_PORT" || $e == "http://localhost:$S3_PORT" ]]
}

# mon port is baked into the monmap at first init; later runs reuse it
s3_mon_port() {
  if [[ -s $S3_STATE/mon_port ]]; then cat "$S3_STATE/mon_port"; else printf '%s\n' "${CEPH_MON_PORT:-3300}"; fi
}

s3_key()    { sed -n 's/^S3_KEY=//p' "$S3_CREDS"; }
s3_secret() { sed -n 's/^S3_SECRET=//p' "$S3_CREDS"; }

s3_write_conf() {
  local fsid mon_port
  fsid=$(cat "$S3_STATE/fsid")
  mon_port=$(s3_mon_port)
  cat >"$S3_CONF" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
mon data avail warn = 2
mon data avail crit = 1
auth allow insecure global id reclaim = false
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
run dir = $S3_RUN
admin socket = $S3_RUN/\$name.asok
pid file = $S3_RUN/\$name.pid
log file = $S3_STATE/log/\$name.log
keyring = $S3_STATE/keyring
[mon.a]
mon data = $S3_STATE/mon.a
[osd.0]
osd data = $S3_STATE/osd.0
osd objectstore = bluestore
# the block file must live outside the osd data dir
bluestore block path = $S3_STATE/osd.0.block
bluestore block create = true
bluestore block size = 10737418240
bluestore fsck on mount = false
osd memory target = 939524096
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$S3_PORT
rgw data = $S3_STATE/rgw.a
ms mon client mode = crc
rgw thread pool size = 64
CONF
}

s3_pidfile() { printf '%s/%s.pid\n' "$S3_RUN" "$1"; }
s3_all_alive() {
  pid_alive "$(s3_pidfile mon.a)" && pid_alive "$(s3_pidfile osd.0)" && pid_alive "$(s3_pidfile client.rgw.a)"
}
s3_any_alive() {
  pid_alive "$(s3_pidfile mon.a)" || pid_alive "$(s3_pidfile osd.0)" || pid_alive "$(s3_pidfile client.rgw.a)"
}

s3_http_ok() { curl -s -o /dev/null -m 3 "$(s3_endpoint)/"; }
# anonymous request on the bucket: 403 = exists (private), 404 = missing
s3_bucket_code() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$(s3_endpoint)/$S3_BUCKET" 2>/dev/null; }
s3_health() { s3_all_alive && [[ $(s3_bucket_code) == 403 ]]; }
s3_osd_up() { ceph -c "$S3_CONF" osd stat 2>/dev/null | grep -q ' 1 up'; }

s3_create_bucket() {
  (cd "$REPO_ROOT" && S3E="$(s3_endpoint)" S3K="$(s3_key)" S3S="$(s3_secret)" S3B="$S3_BUCKET" node -e '
    const { S3Client, CreateBucketCommand } = require("@aws-sdk/client-s3");
    const s3 = new S3Client({ endpoint: process.env.S3E, region: "us-east-1", forcePathStyle: true,
      credentials: { accessKeyId: process.env.S3K, secretAccessKey: process.env.S3S },
      requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
    s3.send(new CreateBucketCommand({ Bucket: process.env.S3B })).then(
      () => console.error(`[stack] s3: created bucket ${process.env.S3B}`),
      (e) => { if (e.name === "BucketAlreadyOwnedByYou") return;
               console.error(`[stack] s3: create bucket failed: ${e.name}: ${e.message}`); process.exit(1); });
  ')
}

s3_ensure_bucket() {
  local code
  code=$(s3_bucket_code)
  [[ $code == 403 ]] && return 0
  s3_create_bucket || return 1
  [[ $(s3_bucket_code) == 403 ]]
}

s3_up() {
  local t0 fresh=0
  t0=$(now_ms)
  if s3_all_alive; then
    if wait_until 60 "radosgw on $(s3_endpoint)" s3_http_ok && s3_ensure_bucket; then
      log "s3: already running on $(s3_endpoint), bucket $S3_BUCKET ($(since "$t0")s)"
      return 0
    fi
    die "s3: ceph processes running but radosgw unhealthy; see $S3_STATE/log"
  fi
  s3_any_alive && { warn "s3: partially running; restarting"; s3_down >/dev/null; }
  port_open 127.0.0.1 "$S3_PORT" && die "s3: port $S3_PORT is taken by another process (set S3_PORT)"
  bash "$REPO_ROOT/scripts/install/ceph.sh" || die "s3: cannot install ceph packages"
  mkdir -p "$S3_STATE"/{log,mon.a,osd.0,rgw.a} "$S3_RUN"
  chmod 0700 "$S3_STATE"
  if [[ ! -f $S3_STATE/initialized ]]; then
    # first init (or an earlier first init that failed half-way): build the cluster from scratch
    fresh=1
    rm -rf "$S3_STATE"/mon.a/* "$S3_STATE"/osd.0/* "$S3_STATE"/rgw.a/* "$S3_STATE/osd.0.block" \
      "$S3_STATE/keyring" "$S3_STATE/monmap" "$S3_STATE/user.created"
    cat /proc/sys/kernel/random/uuid >"$S3_STATE/fsid"
    printf '%s\n' "${CEPH_MON_PORT:-3300}" >"$S3_STATE/mon_port"
  fi
  if [[ ${CEPH_MON_PORT:-} && $CEPH_MON_PORT != "$(s3_mon_port)" ]]; then
    warn "s3: CEPH_MON_PORT=$CEPH_MON_PORT ignored; this cluster was created with mon port $(s3_mon_port)"
  fi
  port_open 127.0.0.1 "$(s3_mon_port)" && die "s3: ceph mon port $(s3_mon_port) is taken (set CEPH_MON_PORT before the first up)"
  if [[ ! -s $S3_CREDS ]]; then
    (umask 077 && printf 'S3_KEY=%s\nS3_SECRET=%s\n' "$(rand_hex 10 | tr a-f A-F)" "$(rand_hex 20)" >"$S3_CREDS")
  fi
  s3_write_conf
  local fsid
  fsid=$(cat "$S3_STATE/fsid")
  if (( fresh )); then
    ceph-authtool --create-keyring "$S3_STATE/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
    monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$(s3_mon_port)]" "$S3_STATE/monmap" >/dev/null
    ceph-mon -c "$S3_CONF" --mkfs -i a --monmap "$S3_STATE/monmap" --keyring "$S3_STATE/keyring" \
      >>"$S3_STATE/log/setup.log" 2>&1 || die "s3: ceph-mon --mkfs failed; see $S3_STATE/log"
  fi
  ceph-mon -c "$S3_CONF" -i a >>"$S3_STATE/log/setup.log" 2>&1 || die "s3: ceph-mon failed to start; see $S3_STATE/log"
  if (( fresh )); then
    local osd_uuid
    osd_uuid=$(cat /proc/sys/kernel/random/uuid)
    wait_until 60 "ceph mon" ceph -c "$S3_CONF" --connect-timeout 5 osd new "$osd_uuid" ||
      die "s3: ceph mon not answering; see $S3_STATE/log"
    ceph-osd -c "$S3_CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$S3_STATE/log/setup.log" 2>&1 ||
      die "s3: ceph-osd --mkfs failed; see $S3_STATE/log"
  fi
  ceph-osd -c "$S3_CONF" -i 0 >>"$S3_STATE/log/setup.log" 2>&1 || die "s3: ceph-osd failed to start; see $S3_STATE/log"
  wait_until 90 "ceph osd up" s3_osd_up || die "s3: osd did not come up; see $S3_STATE/log"
  radosgw -c "$S3_CONF" -n client.rgw.a >>"$S3_STATE/log/setup.log" 2>&1 || die "s3: radosgw failed to start; see $S3_STATE/log"
  wait_until 120 "radosgw on $(s3_endpoint)" s3_http_ok || die "s3: radosgw did not come up; see $S3_STATE/log"
  if [[ ! -f $S3_STATE/user.created ]]; then
    if ! radosgw-admin -c "$S3_CONF" user info --uid="$S3_UID" >/dev/null 2>&1; then
      radosgw-admin -c "$S3_CONF" user create --uid="$S3_UID" --display-name="OneShot local" \
        --access-key="$(s3_key)" --secret-key="$(s3_secret)" >/dev/null || die "s3: cannot create the S3 user"
    fi
    touch "$S3_STATE/user.created"
  fi
  wait_until 60 "bucket $S3_BUCKET" s3_ensure_bucket || die "s3: cannot create bucket $S3_BUCKET"
  touch "$S3_STATE/initialized"
  log "s3: started radosgw on $(s3_endpoint), bucket $S3_BUCKET ($(since "$t0")s)"
}

s3_down() {
  local n stopped=0
  for n in client.rgw.a osd.0 mon.a; do
    if pid_alive "$(s3_pidfile "$n")"; then stopped=1; fi
    stop_pidfile "$(s3_pidfile "$n")" "ceph $n" 60
  done
  if (( stopped )); then log "s3: stopped"; else log "s3: not running"; fi
}

s3_status() {
  if s3_health; then log "s3: healthy ($(s3_endpoint), bucket $S3_BUCKET)"; return 0; fi
  if s3_any_alive; then log "s3: UNHEALTHY (ceph processes running; bucket check HTTP $(s3_bucket_code))"; else log "s3: down"; fi
  return 1
}

s3_env() {
  env_line S3_ENDPOINT "$(s3_endpoint)"
  env_line S3_REGION us-east-1
  env_line S3_BUCKET "$S3_BUCKET"
  env_line S3_KEY "$(s3_key)"
  env_line S3_SECRET "$(s3_secret)"
  env_line S3_FORCE_PATH_STYLE true
}
