#!/usr/bin/env bash
# Smoke test of the fake AWS endpoint (server.py) through the real AWS CLI.
#
#   tests/integration/fake_aws/smoke.sh [IPS_FILE]
#
# IPS_FILE: a ClickHouse static-ips.json (default: a throwaway file with
# made-up IPs). Starts and stops the server itself; exits non-zero if any
# expectation fails. AWS_CLI overrides the CLI (default /usr/bin/aws, awscli
# 2.9.19: the `aws` on PATH may be another CLI).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
AWS=${AWS_CLI:-/usr/bin/aws}
WORK=$(mktemp -d /tmp/fake_aws_smoke.XXXXXX)
SLOW=4
SERVER=
FAILS=0

cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ $# -ge 1 ]; then
  IPS=$1
else
  IPS=$WORK/ips.json
  cat >"$IPS" <<'EOF'
{"aws": [
  {"region": "eu-west-1", "clickpipes_egress_ips": ["63.34.12.201", "52.211.88.14"]},
  {"region": "us-east-1", "clickpipes_egress_ips": ["34.201.77.18", "44.207.13.9", "52.72.140.61",
                                                    "54.147.22.183", "3.219.45.120", "18.206.91.7"],
   "egress_ips": ["198.51.100.1"]},
  {"region": "us-west-2", "clickpipes_egress_ips": ["35.82.14.93", "44.230.71.206"]}],
 "gcp": [{"region": "us-east1", "clickpipes_egress_ips": ["34.75.1.2"]}]}
EOF
fi

# As cdc-preflight runs the CLI: fake credentials, no config files, no pager.
export AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKEFAKE AWS_SECRET_ACCESS_KEY=fake AWS_PAGER=
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_SESSION_TOKEN \
  AWS_MAX_ATTEMPTS AWS_RETRY_MODE AWS_CA_BUNDLE AWS_ENDPOINT_URL 2>/dev/null || true

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

start_server() {
  rm -f "$WORK/port"
  python3 "$HERE/server.py" --port-file "$WORK/port" --log "$WORK/log.jsonl" --ips "$IPS" \
    --slow-seconds "$SLOW" &
  SERVER=$!
  for _ in $(seq 100); do
    [ -s "$WORK/port" ] && break
    sleep 0.1
  done
  [ -s "$WORK/port" ] || { echo "FAIL: the server wrote no port file"; exit 1; }
  PORT=$(cat "$WORK/port")
  URL=http://127.0.0.1:$PORT
  [ ! -e "$WORK/port.tmp" ] || fail "port.tmp left behind"
}

# aws_call NAME REGION ARGS...: runs the CLI; NAME.out, NAME.err, $RC.
aws_call() {
  local name=$1 region=$2
  shift 2
  RC=0
  "$AWS" "$@" --region "$region" --endpoint-url "$URL" --output json \
    >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
}

# ok NAME REGION ARGS...: the call must succeed.
ok() {
  aws_call "$@"
  [ "$RC" -eq 0 ] || fail "$1: exit $RC: $(tr '\n' ' ' <"$WORK/$1.err")"
}

# err NAME EXIT CODE REGION ARGS...: the call must fail with EXIT and print
# "An error occurred (CODE) when calling the … operation" (CODE "parse":
# botocore's invalid-XML message; CODE "timeout": the read-timeout message).
err() {
  local name=$1 want_rc=$2 code=$3
  shift 3
  aws_call "$name" "$@"
  local line
  line=$(grep -v '^$' "$WORK/$name.err" | head -1 || true)
  echo "  [$name] exit $RC: $line"
  [ "$RC" -eq "$want_rc" ] || fail "$name: exit $RC, expected $want_rc"
  if [ "$code" = parse ]; then
    grep -q '^Unable to parse response (syntax error: line 1, column 0), invalid XML received' \
      "$WORK/$name.err" || fail "$name: no parse error on stderr"
  elif [ "$code" = timeout ]; then
    grep -q "^Read timeout on endpoint URL: \"$URL/\"" "$WORK/$name.err" ||
      fail "$name: no read timeout on stderr"
  else
    grep -qE "^An error occurred \($code\) when calling the [A-Za-z]+ operation( \(reached max retries: [0-9]+\))?: " \
      "$WORK/$name.err" || fail "$name: stderr lacks 'An error occurred ($code)'"
  fi
}

# check NAME DESCRIPTION PYTHON: Python statements whose last one, an
# expression over j (NAME.out as JSON), cp (the us-east-1 ClickPipes IPs as
# /32) and west (us-west-2's), must be true.
check() {
  python3 "$WORK/check.py" "$WORK/$1.out" "$IPS" "$3" || fail "$1: $2"
}
cat >"$WORK/check.py" <<'EOF'
import ast, json, sys
j = json.load(open(sys.argv[1]))
regions = {e["region"]: e.get("clickpipes_egress_ips") or [] for e in json.load(open(sys.argv[2]))["aws"]}
as32 = lambda ips: [ip if "/" in ip else ip + "/32" for ip in ips]
cp, west = as32(regions["us-east-1"]), as32(regions.get("us-west-2", []))

def admitted(port):
    """CIDRs the answer's security groups admit on TCP `port`."""
    out = set()
    for sg in j["SecurityGroups"]:
        for p in sg["IpPermissions"]:
            if p["IpProtocol"] == "-1" or (p["IpProtocol"] == "tcp" and p["FromPort"] <= port <= p["ToPort"]):
                out |= {r["CidrIp"] for r in p["IpRanges"]}
    return out

def param(name):
    found = [p for p in j["Parameters"] if p["ParameterName"] == name]
    return found[0] if found else None

try:  # statements; the last one is the expectation
    tree = ast.parse(sys.argv[3])
    last = ast.Expression(tree.body.pop().value)
    scope = dict(globals())
    exec(compile(tree, "check", "exec"), scope)
    ok = eval(compile(last, "check", "eval"), scope)
except Exception as e:
    print(f"  ({type(e).__name__}: {e})")
    ok = False
sys.exit(0 if ok else 1)
EOF

# log_check DESCRIPTION PYTHON-EXPRESSION over `log` (the JSON lines).
log_check() {
  python3 - "$WORK/log.jsonl" "$2" <<'EOF' || fail "log: $1"
import json, sys
log = [json.loads(line) for line in open(sys.argv[1])]
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}

start_server
echo "fake AWS endpoint on $URL, IPs from $IPS"
E1=us-east-1
W2=us-west-2

echo "== describe-db-clusters"
ok ready $E1 rds describe-db-clusters --db-cluster-identifier cdc-ready
check ready "the ready cluster" 'c = j["DBClusters"][0]; c["DBClusterIdentifier"] == "cdc-ready" and c["DBClusterParameterGroup"] == "cdc-aurora-pg15" and c["Endpoint"] == "cdc-ready.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com" and c["ReaderEndpoint"] == "cdc-ready.cluster-ro-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com" and c["Port"] == 5432 and c["Engine"] == "aurora-postgresql" and c["EngineVersion"] == "15.4" and c["EngineMode"] == "provisioned" and c["Status"] == "available" and c["DBClusterArn"] == "arn:aws:rds:us-east-1:123456789012:cluster:cdc-ready" and c["DbClusterResourceId"].startswith("cluster-") and "ServerlessV2ScalingConfiguration" not in c'
check ready "ready members" '[(m["DBInstanceIdentifier"], m["IsClusterWriter"], m["DBClusterParameterGroupStatus"]) for m in j["DBClusters"][0]["DBClusterMembers"]] == [("cdc-ready-instance-1", True, "in-sync"), ("cdc-ready-instance-2", False, "in-sync")]'
check ready "one active security group" '[(g["VpcSecurityGroupId"][:4], len(g["VpcSecurityGroupId"]), g["Status"]) for g in j["DBClusters"][0]["VpcSecurityGroups"]] == [("sg-0", 20, "active")]'
ok fresh $E1 rds describe-db-clusters --db-cluster-identifier cdc-fresh
check fresh "default group, one writer" 'c = j["DBClusters"][0]; c["DBClusterParameterGroup"] == "default.aurora-postgresql15" and [(m["DBInstanceIdentifier"], m["IsClusterWriter"], m["DBClusterParameterGroupStatus"]) for m in c["DBClusterMembers"]] == [("cdc-fresh-instance-1", True, "in-sync")]'
ok pending $E1 rds describe-db-clusters --db-cluster-identifier cdc-pending
check pending "writer pending-reboot" 'c = j["DBClusters"][0]; c["DBClusterParameterGroup"] == "cdc-pending-params" and [(m["IsClusterWriter"], m["DBClusterParameterGroupStatus"]) for m in c["DBClusterMembers"]] == [(True, "pending-reboot"), (False, "in-sync")] and len(c["VpcSecurityGroups"]) == 2'
ok serverless $E1 rds describe-db-clusters --db-cluster-identifier cdc-serverless-zero
check serverless "scales to zero" 'j["DBClusters"][0]["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.0, "MaxCapacity": 4.0}'
ok private $E1 rds describe-db-clusters --db-cluster-identifier cdc-private
ok ec2denied $E1 rds describe-db-clusters --db-cluster-identifier cdc-ec2-denied
ok gprimary $E1 rds describe-db-clusters --db-cluster-identifier cdc-global-primary
ok gsecondary $W2 rds describe-db-clusters --db-cluster-identifier cdc-global-secondary
check gsecondary "secondary in us-west-2, readers only" 'c = j["DBClusters"][0]; c["DBClusterArn"] == "arn:aws:rds:us-west-2:123456789012:cluster:cdc-global-secondary" and c["Endpoint"] == "cdc-global-secondary.cluster-c9f8e7d6c5b4.us-west-2.rds.amazonaws.com" and c["DBClusterMembers"] and not any(m["IsClusterWriter"] for m in c["DBClusterMembers"])'
ok byarn $E1 rds describe-db-clusters --db-cluster-identifier arn:aws:rds:us-east-1:123456789012:cluster:cdc-ready
check byarn "an ARN names the cluster" 'j["DBClusters"][0]["DBClusterIdentifier"] == "cdc-ready"'

echo "== describe-db-instances"
ok inst_ready $E1 rds describe-db-instances --filters Name=db-cluster-id,Values=cdc-ready
check inst_ready "the cluster's instances" '[(i["DBInstanceIdentifier"], i["DBClusterIdentifier"], i["PubliclyAccessible"], i["Endpoint"]["Address"], i["Endpoint"]["Port"], i["DBInstanceClass"]) for i in j["DBInstances"]] == [("cdc-ready-instance-1", "cdc-ready", True, "cdc-ready-instance-1.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com", 5432, "db.r6g.large"), ("cdc-ready-instance-2", "cdc-ready", True, "cdc-ready-instance-2.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com", 5432, "db.r6g.large")] and all(i["DbiResourceId"].startswith("db-") and i["DBSubnetGroup"]["VpcId"] == "vpc-0a1b2c3d4e5f60718" for i in j["DBInstances"])'
ready_sg=$(jq -r '.DBClusters[0].VpcSecurityGroups[0].VpcSecurityGroupId' "$WORK/ready.out")
check inst_ready "instances in the cluster's group" "all([g['VpcSecurityGroupId'] for g in i['VpcSecurityGroups']] == ['$ready_sg'] for i in j['DBInstances'])"
ok inst_private $E1 rds describe-db-instances --filters Name=db-cluster-id,Values=cdc-private
check inst_private "not public" 'j["DBInstances"] and not any(i["PubliclyAccessible"] for i in j["DBInstances"])'
ok inst_serverless $E1 rds describe-db-instances --filters Name=db-cluster-id,Values=cdc-serverless-zero
check inst_serverless "db.serverless" 'j["DBInstances"] and all(i["DBInstanceClass"] == "db.serverless" for i in j["DBInstances"])'
ok inst_pending $E1 rds describe-db-instances --filters Name=db-cluster-id,Values=cdc-pending
check inst_pending "two groups each" 'all(len(i["VpcSecurityGroups"]) == 2 for i in j["DBInstances"]) and len(j["DBInstances"]) == 2'
ok inst_secondary $W2 rds describe-db-instances --filters Name=db-cluster-id,Values=cdc-global-secondary
check inst_secondary "us-west-2 endpoints" 'j["DBInstances"] and all(i["Endpoint"]["Address"].endswith(".c9f8e7d6c5b4.us-west-2.rds.amazonaws.com") for i in j["DBInstances"])'
ok inst_one $E1 rds describe-db-instances --db-instance-identifier cdc-ready-instance-2
check inst_one "one instance, its cluster" '[(i["DBInstanceIdentifier"], i["DBClusterIdentifier"]) for i in j["DBInstances"]] == [("cdc-ready-instance-2", "cdc-ready")]'
ok inst_unknown_cluster $E1 rds describe-db-instances --filters Name=db-cluster-id,Values=cdc-nope
check inst_unknown_cluster "an empty list" 'j == {"DBInstances": []}'

echo "== describe-global-clusters"
ok globals $E1 rds describe-global-clusters
check globals "cdc-global, primary writes" 'g = j["GlobalClusters"]; len(g) == 1 and g[0]["GlobalClusterIdentifier"] == "cdc-global" and [(m["DBClusterArn"], m["IsWriter"], m["Readers"]) for m in g[0]["GlobalClusterMembers"]] == [("arn:aws:rds:us-east-1:123456789012:cluster:cdc-global-primary", True, ["arn:aws:rds:us-west-2:123456789012:cluster:cdc-global-secondary"]), ("arn:aws:rds:us-west-2:123456789012:cluster:cdc-global-secondary", False, [])]'
ok globals_west $W2 rds describe-global-clusters
check globals_west "seen from us-west-2 too" 'j["GlobalClusters"][0]["GlobalClusterIdentifier"] == "cdc-global"'
ok global_one $E1 rds describe-global-clusters --global-cluster-identifier cdc-global
check global_one "by id" '[g["GlobalClusterIdentifier"] for g in j["GlobalClusters"]] == ["cdc-global"]'

echo "== describe-db-cluster-parameters"
ok params_default $E1 rds describe-db-cluster-parameters --db-cluster-parameter-group-name default.aurora-postgresql15
check params_default "engine defaults over both pages" 'p, w = param("rds.logical_replication"), param("wal_sender_timeout"); (p["ParameterValue"], p["Source"], p["ApplyType"], p["DataType"], p["AllowedValues"], p["IsModifiable"], p["ApplyMethod"], p["SupportedEngineModes"]) == ("0", "engine-default", "static", "boolean", "0,1", True, "pending-reboot", ["provisioned"]) and (w["ParameterValue"], w["Source"]) == ("60000", "engine-default") and all(param(n) for n in ("max_replication_slots", "max_wal_senders", "max_logical_replication_workers")) and "Marker" not in j and len(j["Parameters"]) > 30'
check params_default "unset parameters have no value" '"ParameterValue" not in param("work_mem") and "ParameterValue" not in param("max_logical_replication_workers")'
log_check "the default group was read in two pages" '[("Marker" in e["params"]) for e in log if e["action"] == "DescribeDBClusterParameters"] == [False, True]'
ok params_page1 $E1 rds describe-db-cluster-parameters --db-cluster-parameter-group-name default.aurora-postgresql15 --no-paginate
check params_page1 "page one has a Marker and not rds.logical_replication" 'j.get("Marker") and param("rds.logical_replication") is None and param("max_replication_slots") is not None'
ok params_ready $E1 rds describe-db-cluster-parameters --db-cluster-parameter-group-name cdc-aurora-pg15
check params_ready "custom values" '(param("rds.logical_replication")["ParameterValue"], param("rds.logical_replication")["Source"], param("wal_sender_timeout")["ParameterValue"], param("wal_sender_timeout")["Source"]) == ("1", "user", "0", "user")'
ok params_pending $E1 rds describe-db-cluster-parameters --db-cluster-parameter-group-name cdc-pending-params
check params_pending "custom values" 'param("rds.logical_replication")["ParameterValue"] == "1" and param("wal_sender_timeout")["ParameterValue"] == "0"'
ok params_west $W2 rds describe-db-cluster-parameters --db-cluster-parameter-group-name cdc-aurora-pg15
check params_west "the secondary's group" 'param("rds.logical_replication")["ParameterValue"] == "1"'

echo "== describe-security-groups"
ok sg_ready $E1 ec2 describe-security-groups --group-ids "$ready_sg"
check sg_ready "every ClickPipes IP on 5432, over two rules" 'set(cp) <= admitted(5432) and "10.0.0.0/16" in admitted(5432) and "203.0.113.10/32" not in admitted(5432) and "203.0.113.10/32" in admitted(22) and sum(1 for p in j["SecurityGroups"][0]["IpPermissions"] if p["IpProtocol"] == "tcp" and p["FromPort"] <= 5432 <= p["ToPort"]) == (2 if len(cp) > 1 else 1)'
check sg_ready "shape" 'g = j["SecurityGroups"][0]; g["OwnerId"] == "123456789012" and g["VpcId"] == "vpc-0a1b2c3d4e5f60718" and g["IpPermissionsEgress"][0]["IpProtocol"] == "-1"'
fresh_sg=$(jq -r '.DBClusters[0].VpcSecurityGroups[0].VpcSecurityGroupId' "$WORK/fresh.out")
ok sg_fresh $E1 ec2 describe-security-groups --group-ids "$fresh_sg"
check sg_fresh "bastion and VPC only" 'admitted(5432) == {"203.0.113.10/32", "10.0.0.0/16"}'
read -r pend_a pend_b < <(jq -r '[.DBClusters[0].VpcSecurityGroups[].VpcSecurityGroupId] | join(" ")' "$WORK/pending.out")
ok sg_pending $E1 ec2 describe-security-groups --group-ids "$pend_a" "$pend_b"
check sg_pending "half the IPs, one more over all traffic" 'len(j["SecurityGroups"]) == 2 and admitted(5432) & set(cp) == set(cp[:len(cp) // 2 + 1]) and [p["IpProtocol"] for p in j["SecurityGroups"][1]["IpPermissions"]] == ["-1"] and "FromPort" not in j["SecurityGroups"][1]["IpPermissions"][0]'
west_sg=$(jq -r '.DBClusters[0].VpcSecurityGroups[0].VpcSecurityGroupId' "$WORK/gsecondary.out")
ok sg_west $W2 ec2 describe-security-groups --group-ids "$west_sg"
check sg_west "open to ClickPipes" 'set(cp) | set(west) <= admitted(5432)'

echo "== errors (exit code and stderr)"
err nf_cluster 254 DBClusterNotFoundFault $E1 rds describe-db-clusters --db-cluster-identifier cdc-nope
err nf_region 254 DBClusterNotFoundFault $E1 rds describe-db-clusters --db-cluster-identifier cdc-global-secondary
err nf_instance 254 DBInstanceNotFound $E1 rds describe-db-instances --db-instance-identifier cdc-nope-instance-1
err nf_group 254 DBParameterGroupNotFound $E1 rds describe-db-cluster-parameters --db-cluster-parameter-group-name cdc-nope-params
err nf_global 254 GlobalClusterNotFoundFault $E1 rds describe-global-clusters --global-cluster-identifier cdc-nope
err nf_sg 254 InvalidGroup.NotFound $E1 ec2 describe-security-groups --group-ids sg-0123456789abcdef0
err denied 254 AccessDenied $E1 rds describe-db-clusters --db-cluster-identifier cdc-denied
grep -q 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: rds:DescribeDBClusters on resource: arn:aws:rds:us-east-1:123456789012:cluster:cdc-denied because no identity-based policy allows the rds:DescribeDBClusters action' \
  "$WORK/denied.err" || fail "denied: message"
err denied_instances 254 AccessDenied $E1 rds describe-db-instances --filters Name=db-cluster-id,Values=cdc-denied
err denied_instance 254 AccessDenied $E1 rds describe-db-instances --db-instance-identifier cdc-denied-instance-1
err denied_params 254 AccessDenied $E1 rds describe-db-cluster-parameters --db-cluster-parameter-group-name cdc-denied-params
err denied_sg 254 UnauthorizedOperation $E1 ec2 describe-security-groups --group-ids sg-05e6f7a8b9c0d1e2f
ec2denied_sg=$(jq -r '.DBClusters[0].VpcSecurityGroups[0].VpcSecurityGroupId' "$WORK/ec2denied.out")
err ec2_denied 254 UnauthorizedOperation $E1 ec2 describe-security-groups --group-ids "$ec2denied_sg"
grep -q 'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ec2:DescribeSecurityGroups' \
  "$WORK/ec2_denied.err" || fail "ec2_denied: message"
t0=$(date +%s.%N)
err throttled 254 Throttling $E1 rds describe-db-clusters --db-cluster-identifier cdc-throttled
t1=$(date +%s.%N)
echo "  (throttled: $(python3 -c "print(round($t1 - $t0, 1))") s with the default retries)"
grep -q 'operation (reached max retries: 2): Rate exceeded' "$WORK/throttled.err" || fail "throttled: message"
log_check "Throttling is tried 3 times by default" 'sum(1 for e in log if e["params"].get("DBClusterIdentifier") == "cdc-throttled") == 3'
AWS_MAX_ATTEMPTS=1 err throttled_once 254 Throttling $E1 rds describe-db-clusters --db-cluster-identifier cdc-throttled
log_check "AWS_MAX_ATTEMPTS=1: one more call" 'sum(1 for e in log if e["params"].get("DBClusterIdentifier") == "cdc-throttled") == 4'
err garbage 255 parse $E1 rds describe-db-clusters --db-cluster-identifier cdc-garbage
err invalid_rds 254 InvalidAction $E1 rds delete-db-cluster --db-cluster-identifier cdc-ready --skip-final-snapshot
err invalid_ec2 254 InvalidAction $E1 ec2 authorize-security-group-ingress --group-id "$ready_sg" --protocol tcp --port 5432 --cidr 192.0.2.1/32

echo "== HTTP status of error answers"
status() {  # status WANT SERVICE REGION BODY
  local got
  got=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=AKIAFAKE/20240101/$3/$2/aws4_request, SignedHeaders=host, Signature=0" \
    --data "$4")
  [ "$got" = "$1" ] || fail "HTTP $got, expected $1, for $4"
}
status 200 rds us-east-1 "Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=cdc-ready"
status 404 rds us-east-1 "Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=cdc-nope"
status 404 rds us-east-1 "Action=DescribeDBInstances&Version=2014-10-31&DBInstanceIdentifier=cdc-nope"
status 404 rds us-east-1 "Action=DescribeDBClusterParameters&Version=2014-10-31&DBClusterParameterGroupName=x"
status 404 rds us-east-1 "Action=DescribeGlobalClusters&Version=2014-10-31&GlobalClusterIdentifier=x"
status 403 rds us-east-1 "Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=cdc-denied"
status 400 rds us-east-1 "Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=cdc-throttled"
status 400 rds us-east-1 "Action=RebootDBInstance&Version=2014-10-31&DBInstanceIdentifier=cdc-ready-instance-1"
status 403 ec2 us-east-1 "Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=$ec2denied_sg"
status 400 ec2 us-east-1 "Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-0123456789abcdef0"
status 403 ec2 us-east-1 "Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=cdc-ready"

echo "== raw answers against the botocore model awscli parses"
MODELS=${BOTOCORE_DATA:-/usr/lib/python3/dist-packages/awscli/botocore/data}
python3 - "$PORT" "$MODELS" "$ready_sg" "$pend_a" "$pend_b" <<'EOF' || fail "an answer does not fit the model"
# Every element must be a member (by locationName) of its shape in the
# model, every list member element the list's locationName (or "member").
import json, sys, urllib.request, xml.etree.ElementTree as ET
port, models, ready_sg, pend_a, pend_b = sys.argv[1:]
problems = []
def tag(e): return e.tag.split("}")[-1]
def walk(shapes, name, node, path):
    shape = shapes[name]
    if shape["type"] == "structure":
        members = {m.get("locationName", k): m["shape"] for k, m in shape["members"].items()}
        for child in node:
            if tag(child) not in members:
                problems.append(f"{path}/{tag(child)}: not a member of {name}")
            else:
                walk(shapes, members[tag(child)], child, f"{path}/{tag(child)}")
    elif shape["type"] == "list":
        want = shape["member"].get("locationName", "member")
        for child in node:
            if tag(child) != want:
                problems.append(f"{path}/{tag(child)}: list members are <{want}>")
            walk(shapes, shape["member"]["shape"], child, f"{path}/{tag(child)}")
    elif len(node):
        problems.append(f"{path}: {name} is a scalar")
    elif shape["type"] == "boolean" and node.text not in ("true", "false"):
        problems.append(f"{path}: boolean {node.text!r}")
calls = [("rds/2014-10-31", "DescribeDBClusters", "DBClusterIdentifier=cdc-serverless-zero"),
         ("rds/2014-10-31", "DescribeDBClusters", "DBClusterIdentifier=cdc-pending"),
         ("rds/2014-10-31", "DescribeDBInstances", "DBInstanceIdentifier=cdc-ready-instance-1"),
         ("rds/2014-10-31", "DescribeGlobalClusters", ""),
         ("rds/2014-10-31", "DescribeDBClusterParameters", "DBClusterParameterGroupName=default.aurora-postgresql15"),
         ("ec2/2016-11-15", "DescribeSecurityGroups", f"GroupId.1={ready_sg}&GroupId.2={pend_a}&GroupId.3={pend_b}")]
for key, action, extra in calls:
    model = json.load(open(f"{models}/{key}/service-2.json"))
    service, version = key.split("/")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=f"Action={action}&Version={version}&{extra}".encode(),
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAFAKE/20240101/us-east-1/"
                 f"{service}/aws4_request, SignedHeaders=host, Signature=0"})
    root = ET.fromstring(urllib.request.urlopen(request).read())
    output, shapes = model["operations"][action]["output"], model["shapes"]
    namespace = "{" + model["metadata"]["xmlNamespace"].rstrip("/")
    if tag(root) != action + "Response" or not root.tag.startswith(namespace):
        problems.append(f"{action}: root {root.tag}")
    elif service == "rds":
        if [tag(c) for c in root] != [output["resultWrapper"], "ResponseMetadata"]:
            problems.append(f"{action}: {[tag(c) for c in root]}")
        walk(shapes, output["shape"], root[0], action)
    else:
        if tag(root[0]) != "requestId":
            problems.append(f"{action}: requestId is not first")
        walk(shapes, output["shape"], root[1:], action)
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
EOF

echo "== the log"
log_check "one JSON object per request with service, action, params, region" 'all(set(e) == {"service", "action", "params", "region"} and e["params"]["Action"] == e["action"] for e in log)'
log_check "services and regions" 'all(e["service"] == {"2014-10-31": "rds", "2016-11-15": "ec2"}[e["params"]["Version"]] for e in log) and {e["region"] for e in log} == {"us-east-1", "us-west-2"} and all(e["region"] == "us-west-2" for e in log if e["action"] == "DescribeDBInstances" and "secondary" in json.dumps(e["params"]))'
log_check "only Describe* but the deliberate InvalidAction calls" '{e["action"] for e in log if not e["action"].startswith("Describe")} == {"DeleteDBCluster", "AuthorizeSecurityGroupIngress", "RebootDBInstance"}'

echo "== concurrency: cdc-slow (${SLOW} s) does not hold up other calls"
t0=$(date +%s.%N)
( RC=0; "$AWS" rds describe-db-clusters --db-cluster-identifier cdc-slow --region $E1 --endpoint-url "$URL" \
    --output json >"$WORK/slow.out" 2>"$WORK/slow.err" || RC=$?; echo "$RC" >"$WORK/slow.rc" ) &
SLOWCALL=$!
sleep 1
t1=$(date +%s.%N)
ok during_slow $E1 rds describe-db-clusters --db-cluster-identifier cdc-ready
t2=$(date +%s.%N)
python3 -c "import sys; sys.exit(0 if $t2 - $t1 < $SLOW - 1 else 1)" || fail "a call waited for cdc-slow"
[ ! -e "$WORK/slow.rc" ] || fail "cdc-slow answered too early"
wait "$SLOWCALL"
t3=$(date +%s.%N)
[ "$(cat "$WORK/slow.rc")" = 0 ] || fail "cdc-slow: exit $(cat "$WORK/slow.rc")"
check slow "answers like cdc-ready" 'j["DBClusters"][0]["DBClusterIdentifier"] == "cdc-slow" and j["DBClusters"][0]["DBClusterParameterGroup"] == "cdc-aurora-pg15"'
python3 -c "import sys; sys.exit(0 if $t3 - $t0 >= $SLOW else 1)" || fail "cdc-slow was not slow"
echo "  (cdc-slow took $(python3 -c "print(round($t3 - $t0, 1))") s; cdc-ready meanwhile $(python3 -c "print(round($t2 - $t1, 1))") s)"
err slow_timeout 255 timeout $E1 rds describe-db-clusters --db-cluster-identifier cdc-slow --cli-read-timeout 1
log_check "a read timeout is tried 3 times" 'sum(1 for e in log if e["params"].get("DBClusterIdentifier") == "cdc-slow") == 4' 

echo "== SIGTERM with a slow call in flight"
( "$AWS" rds describe-db-clusters --db-cluster-identifier cdc-slow --region $E1 --endpoint-url "$URL" \
    --output json >/dev/null 2>"$WORK/cut.err" || true ) &
CUTCALL=$!
sleep 1
t0=$(date +%s.%N)
kill -TERM "$SERVER"
SRC=0
wait "$SERVER" || SRC=$?
t1=$(date +%s.%N)
SERVER=
[ "$SRC" = 0 ] || fail "the server exited $SRC on SIGTERM"
python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 2 else 1)" || fail "the server took $(python3 -c "print(round($t1 - $t0, 1))") s to stop"
wait "$CUTCALL" || true
echo "  (server stopped in $(python3 -c "print(round($t1 - $t0, 2))") s; the cut call printed: $(grep -v '^$' "$WORK/cut.err" | head -1))"

if [ "$FAILS" -ne 0 ]; then
  echo "$FAILS expectation(s) failed"
  exit 1
fi
echo "all expectations met"
