#!/usr/bin/env python3
"""A fake AWS Query API endpoint for cdc-preflight's `--aws` integration tests.

It answers the RDS (Version 2014-10-31) and EC2 (Version 2016-11-15) Describe*
calls that cdc-preflight makes through the real AWS CLI
(`aws ... --endpoint-url http://127.0.0.1:PORT`), in the XML shapes of the AWS
API Reference and of the botocore model that awscli 2.9.19 parses
(/usr/lib/python3/dist-packages/awscli/botocore/data/{rds,ec2}/.../service-2.json).
Only members that model knows are emitted: the CLI silently drops the others.

    python3 server.py --port-file FILE --log FILE --ips FILE [--slow-seconds N]

- Binds 127.0.0.1 on a free port and writes "PORT\\n" to --port-file (via a
  rename, so a reader never sees a partial file) once it is listening.
- Appends one JSON line per request to --log:
  {"service": "rds"|"ec2", "action": ..., "params": {...}, "region": ...}
  ("region" is the SigV4 credential scope's region; "service" is null when
  neither the Version nor the scope names RDS or EC2).
- --ips is a ClickHouse static-ips.json; the security groups admit the
  us-east-1 entry's "clickpipes_egress_ips" (see README.md for the scenarios).
- Serves until SIGTERM/SIGINT, then exits 0 at once (a sleeping "slow" answer
  does not hold it up). Requests are answered concurrently.

Standard library only.
"""

import argparse
import base64
import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

ACCOUNT = "123456789012"
CALLER_ARN = f"arn:aws:iam::{ACCOUNT}:user/ci"

RDS_VERSION = "2014-10-31"
EC2_VERSION = "2016-11-15"
RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/"
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

ENGINE = "aurora-postgresql"
ENGINE_VERSION = "15.4"
PORT = 5432
DEFAULT_GROUP = "default.aurora-postgresql15"
# The default group answers in pages of this many parameters (as if the
# caller had asked for MaxRecords=30), so that it takes two pages.
DEFAULT_GROUP_PAGE = 30

# Per region: the account's RDS DNS label, Route 53 zone of RDS endpoints,
# VPC, subnets (one per AZ) and KMS key.
REGIONS = {
    "us-east-1": {
        "dns": "c1a2b3c4d5e6",
        "zone": "Z2R2ITUGPM61AM",
        "vpc": "vpc-0a1b2c3d4e5f60718",
        "subnets": [("subnet-0a4c6e8f0b2d41357", "us-east-1a"),
                    ("subnet-0b5d7f9a1c3e52468", "us-east-1b"),
                    ("subnet-0c6e8a0b2d4f63579", "us-east-1c")],
        "kms": "arn:aws:kms:us-east-1:123456789012:key/6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5",
    },
    "us-west-2": {
        "dns": "c9f8e7d6c5b4",
        "zone": "Z1PVIF0B656C1W",
        "vpc": "vpc-0f1e2d3c4b5a69788",
        "subnets": [("subnet-0d7f9b1c3e5a74680", "us-west-2a"),
                    ("subnet-0e8a0c2d4f6b85791", "us-west-2b"),
                    ("subnet-0f9b1d3e5a7c96802", "us-west-2c")],
        "kms": "arn:aws:kms:us-west-2:123456789012:key/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
    },
}

CLUSTER_CREATED = "2024-03-11T14:22:07.418Z"
INSTANCE_CREATED = "2024-03-11T14:31:52.903Z"
EARLIEST_RESTORABLE = "2024-06-03T07:16:41.207Z"
LATEST_RESTORABLE = "2024-06-10T09:05:12.551Z"
CA_VALID_TILL = "2025-03-11T14:29:26Z"


class ApiError(Exception):
    """An error answer: the Query API error code, message and HTTP status."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


# --------------------------------------------------------------------------
# XML writing
# --------------------------------------------------------------------------

class ListOf:
    """A list member: <Wrapper><Member>…</Member>…</Wrapper>, the member's
    element named by the list's `locationName` in the botocore model."""

    def __init__(self, member, items):
        self.member = member
        self.items = list(items)


def xml(name, value):
    """One element. Dicts nest (in insertion order); None is left out, as AWS
    leaves out unset members; booleans are written true/false."""
    if value is None:
        return ""
    if isinstance(value, ListOf):
        if not value.items:
            return f"<{name}/>"
        inner = "".join(xml(value.member, item) for item in value.items)
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, dict):
        inner = "".join(xml(k, v) for k, v in value.items())
        return f"<{name}>{inner}</{name}>" if inner else f"<{name}/>"
    if isinstance(value, bool):
        return f"<{name}>{'true' if value else 'false'}</{name}>"
    return f"<{name}>{escape(str(value))}</{name}>"


def rds_document(action, result, request_id):
    """An RDS Query API answer: <ActionResponse><ActionResult>… plus
    ResponseMetadata (e.g. the example on API_DescribeDBClusters)."""
    body = "".join(xml(k, v) for k, v in result.items())
    return (f'<{action}Response xmlns="{RDS_NS}">'
            f"<{action}Result>{body}</{action}Result>"
            f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
            f"</{action}Response>\n")


def rds_error_document(error, request_id):
    """RDS error answer (API Reference, CommonErrors; the shape botocore's
    QueryParser reads)."""
    kind = "Sender" if error.status < 500 else "Receiver"
    return (f'<ErrorResponse xmlns="{RDS_NS}"><Error><Type>{kind}</Type>'
            f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>\n")


def ec2_document(action, result, request_id):
    """An EC2 Query API answer: no Result wrapper, lower-camel names, a
    top-level requestId (e.g. the example on API_DescribeSecurityGroups)."""
    body = "".join(xml(k, v) for k, v in result.items())
    return (f'<{action}Response xmlns="{EC2_NS}">'
            f"<requestId>{request_id}</requestId>{body}</{action}Response>\n")


def ec2_error_document(error, request_id):
    """EC2 error answer (EC2 API Reference, "Error codes": Response/Errors/Error
    and RequestID)."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{escape(error.code)}</Code>"
            f"<Message>{escape(error.message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>\n")


# --------------------------------------------------------------------------
# The world: clusters, instances, parameter groups, security groups
# --------------------------------------------------------------------------

def resource_suffix(kind, name):
    """A stable 26-character upper-case id, as in db-… / cluster-… ids."""
    digest = hashlib.sha1(f"{kind}:{name}".encode()).digest()
    return base64.b32encode(digest).decode()[:26]


def hex_suffix(kind, name, length):
    return hashlib.sha1(f"{kind}:{name}".encode()).hexdigest()[:length]


def cluster_arn(region, cluster_id):
    return f"arn:aws:rds:{region}:{ACCOUNT}:cluster:{cluster_id}"


def instance_arn(region, instance_id):
    return f"arn:aws:rds:{region}:{ACCOUNT}:db:{instance_id}"


def cidr(ip):
    return ip if "/" in ip else ip + "/32"


def tcp(from_port, to_port, ranges):
    return {"protocol": "tcp", "from": from_port, "to": to_port, "ranges": ranges}


def all_traffic(ranges):
    return {"protocol": "-1", "from": None, "to": None, "ranges": ranges}


# Aurora PostgreSQL 15 DB cluster parameters (a realistic subset), sorted by
# name as DescribeDBClusterParameters sorts them:
# (name, engine default or None when AWS shows no value, description,
#  ApplyType, DataType, AllowedValues, IsModifiable, Source when not user).
PARAMETERS = [
    ("ansi_constraint_trigger_ordering", None, "Change the firing order of constraint triggers to be compatible with the ANSI SQL standard.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("ansi_force_foreign_key_checks", None, "Ensure referential actions such as cascaded delete or cascaded update will always occur regardless of the various trigger contexts that exist for the action.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("ansi_qualified_update_set_target", None, "Support table and schema qualifiers in UPDATE ... SET statements.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("apg_ccm_enabled", None, "Enables or disables cluster cache management.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("archive_command", "/etc/rds/dbbin/pgscripts/rds_wal_archive %p", "Sets the shell command that will be called to archive a WAL file.", "dynamic", "string", None, False, "system"),
    ("archive_timeout", "300", "(s) Forces a switch to the next xlog file if a new file has not been started within N seconds.", "dynamic", "integer", "0-1073741823", False, "system"),
    ("array_nulls", None, "Enable input of NULL elements in arrays.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("autovacuum", "1", "Starts the autovacuum subprocess.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("autovacuum_analyze_scale_factor", "0.05", "Number of tuple inserts, updates or deletes prior to analyze as a fraction of reltuples.", "dynamic", "real", "0-100", True, "engine-default"),
    ("autovacuum_max_workers", "GREATEST({DBInstanceClassMemory/64371566592},3)", "Sets the maximum number of simultaneously running autovacuum worker processes.", "static", "integer", "1-262143", True, "engine-default"),
    ("autovacuum_naptime", "5", "(s) Time to sleep between autovacuum runs.", "dynamic", "integer", "1-2147483", True, "engine-default"),
    ("autovacuum_vacuum_cost_limit", "GREATEST({log(DBInstanceClassMemory/21474836480)*600},200)", "Vacuum cost amount available before napping, for autovacuum.", "dynamic", "integer", "-1-10000", True, "engine-default"),
    ("client_encoding", "UTF8", "Sets the clients character set encoding.", "dynamic", "string", "BIG5,EUC_CN,EUC_JP,EUC_JIS_2004,EUC_KR,EUC_TW,GB18030,GBK,ISO_8859_5,ISO_8859_6,ISO_8859_7,ISO_8859_8,JOHAB,KOI8R,KOI8U,LATIN1,LATIN2,LATIN3,LATIN4,LATIN5,LATIN6,LATIN7,LATIN8,LATIN9,LATIN10,MULE_INTERNAL,SJIS,SHIFT_JIS_2004,SQL_ASCII,UHC,UTF8,WIN866,WIN874,WIN1250,WIN1251,WIN1252,WIN1253,WIN1254,WIN1255,WIN1256,WIN1257,WIN1258", True, "engine-default"),
    ("datestyle", "iso, mdy", "Sets the display format for date and time values.", "dynamic", "string", None, True, "engine-default"),
    ("default_transaction_isolation", None, "Sets the transaction isolation level of each new transaction.", "dynamic", "string", "serializable,repeatable read,read committed,read uncommitted", True, "engine-default"),
    ("idle_in_transaction_session_timeout", "86400000", "(ms) Sets the maximum allowed duration of any idling transaction.", "dynamic", "integer", "0-2147483647", True, "engine-default"),
    ("lock_timeout", None, "(ms) Sets the maximum allowed duration of any wait for a lock.", "dynamic", "integer", "0-2147483647", True, "engine-default"),
    ("log_connections", None, "Logs each successful connection.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("log_disconnections", None, "Logs end of a session, including duration.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("log_min_duration_statement", None, "(ms) Sets the minimum execution time above which statements will be logged.", "dynamic", "integer", "-1-2147483647", True, "engine-default"),
    ("log_rotation_age", "60", "(min) Automatic log file rotation will occur after N minutes.", "dynamic", "integer", "1-1440", True, "engine-default"),
    ("log_statement", None, "Sets the type of statements logged.", "dynamic", "string", "none,ddl,mod,all", True, "engine-default"),
    ("logical_decoding_work_mem", None, "(kB) Sets the maximum memory to be used for logical decoding.", "dynamic", "integer", "64-2147483647", True, "engine-default"),
    ("max_locks_per_transaction", "64", "Sets the maximum number of locks per transaction.", "static", "integer", "10-2147483647", True, "engine-default"),
    ("max_logical_replication_workers", None, "Maximum number of logical replication worker processes.", "static", "integer", "0-262143", True, "engine-default"),
    ("max_parallel_workers", "GREATEST(${DBInstanceVCPU/2},8)", "Sets the maximum number of parallel workers that can be active at one time.", "dynamic", "integer", "0-1024", True, "engine-default"),
    ("max_replication_slots", "20", "Sets the maximum number of replication slots that the server can support.", "static", "integer", "5-8388607", True, "engine-default"),
    ("max_wal_senders", "20", "Sets the maximum number of simultaneously running WAL sender processes.", "static", "integer", "5-8388607", True, "engine-default"),
    ("max_worker_processes", "GREATEST(${DBInstanceVCPU*2},8)", "Sets the maximum number of concurrent worker processes.", "static", "integer", "0-262143", True, "engine-default"),
    ("password_encryption", "scram-sha-256", "Choose the encryption method for passwords.", "dynamic", "string", "md5,scram-sha-256", True, "engine-default"),
    ("rds.force_ssl", "0", "Force SSL connections.", "dynamic", "boolean", "0,1", True, "engine-default"),
    ("rds.log_retention_period", "4320", "Amazon RDS will delete PostgreSQL logs that are older than N minutes.", "dynamic", "integer", "1440-10080", True, "engine-default"),
    ("rds.logical_replication", "0", "Enables logical decoding.", "static", "boolean", "0,1", True, "engine-default"),
    ("rds.restrict_password_commands", None, "restricts password-related commands to members of rds_password", "static", "boolean", "0,1", True, "engine-default"),
    ("shared_preload_libraries", "pg_stat_statements", "Lists shared libraries to preload into server.", "static", "list", "auto_explain,orafce,pgaudit,pglogical,pg_bigm,pg_cron,pg_hint_plan,pg_prewarm,pg_similarity,pg_stat_statements,pg_transport,plprofiler,pg_partman_bgw,pg_tle", True, "engine-default"),
    ("ssl", "1", "Enables SSL connections.", "dynamic", "boolean", "0,1", False, "system"),
    ("ssl_min_protocol_version", "TLSv1.2", "Sets the minimum SSL/TLS protocol version to use.", "dynamic", "string", "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3", True, "engine-default"),
    ("statement_timeout", None, "(ms) Sets the maximum allowed duration of any statement.", "dynamic", "integer", "0-2147483647", True, "engine-default"),
    ("synchronous_commit", None, "Sets the current transactions synchronization level.", "dynamic", "string", "local,on,off", True, "engine-default"),
    ("timezone", None, "Sets the time zone for displaying and interpreting time stamps.", "dynamic", "string", "Africa/Cairo,Africa/Casablanca,America/Chicago,America/Los_Angeles,America/New_York,America/Sao_Paulo,Asia/Kolkata,Asia/Shanghai,Asia/Tokyo,Australia/Sydney,Europe/Berlin,Europe/London,Europe/Paris,UTC", True, "engine-default"),
    ("track_commit_timestamp", None, "Collects transaction commit time.", "static", "boolean", "0,1", True, "engine-default"),
    ("wal_receiver_timeout", "30000", "(ms) Sets the maximum wait time to receive data from the primary.", "dynamic", "integer", "0-3600000", True, "engine-default"),
    ("wal_sender_timeout", "60000", "(ms) Sets the maximum time to wait for WAL replication.", "dynamic", "integer", "0-3600000", True, "engine-default"),
    ("work_mem", None, "(kB) Sets the maximum memory to be used for query workspaces.", "dynamic", "integer", "64-2147483647", True, "engine-default"),
]

# What cdc-preflight asks of a custom group: logical replication on and no
# WAL sender timeout.
CDC_VALUES = {"rds.logical_replication": "1", "wal_sender_timeout": "0"}


def parameter_list(user_values):
    """The group's parameters; `user_values` are the ones set by the user
    (Source user, ApplyMethod pending-reboot for static, immediate for
    dynamic ones, as ModifyDBClusterParameterGroup leaves them)."""
    out = []
    for name, default, desc, apply_type, data_type, allowed, modifiable, source in PARAMETERS:
        value, method = default, "pending-reboot"
        if name in user_values:
            value, source = user_values[name], "user"
            method = "pending-reboot" if apply_type == "static" else "immediate"
        out.append({"ParameterName": name, "ParameterValue": value, "Description": desc,
                    "Source": source, "ApplyType": apply_type, "DataType": data_type,
                    "AllowedValues": allowed, "IsModifiable": modifiable,
                    "ApplyMethod": method,
                    "SupportedEngineModes": ListOf("member", ["provisioned"])})
    return out


class World:
    """Every resource the fake account holds, built once from the IPs file."""

    def __init__(self, east_ips, west_ips):
        self.clusters = {}   # (region, id) -> cluster dict
        self.instances = {}  # (region, id) -> (cluster, member dict)
        self.groups = {}     # (region, name) -> {"params": [...], "denied": bool}
        self.sgs = {}        # (region, sg id) -> security group dict
        for region in REGIONS:
            self.groups[(region, DEFAULT_GROUP)] = {"params": parameter_list({}), "denied": False}

        cp = [cidr(ip) for ip in east_ips]
        cp_desc = "ClickPipes us-east-1"
        bastion = ("203.0.113.10/32", "bastion")
        vpc = ("10.0.0.0/16", "VPC")

        def open_rules(extra_ips=()):
            # Every ClickPipes IP on 5432, over two rules: most on 5432-5432
            # (with the VPC range), the last two on a port range around 5432;
            # and SSH from a bastion.
            cut = max(1, len(cp) - 2)
            rules = [tcp(5432, 5432, [(c, cp_desc) for c in cp[:cut]] + [vpc])]
            rest = [(c, cp_desc) for c in cp[cut:]] + list(extra_ips)
            if rest:
                rules.append(tcp(5430, 5439, rest))
            rules.append(tcp(22, 22, [bastion]))
            return rules

        half = len(cp) // 2
        sg_ids = {
            "cdc-ready": "sg-0c1d2e3f4a5b60718",
            "cdc-fresh": "sg-0d2e3f4a5b6c70819",
            "cdc-pending": "sg-0e3f4a5b6c7d8091a",
            "cdc-pending-b": "sg-0f4a5b6c7d8e9a12b",
            "cdc-private": "sg-01a2b3c4d5e6f7a8b",
            "cdc-serverless-zero": "sg-02b3c4d5e6f7a8b9c",
            "cdc-global-primary": "sg-03c4d5e6f7a8b9c0d",
            "cdc-global-secondary": "sg-04d5e6f7a8b9c0d1e",
            "cdc-denied": "sg-05e6f7a8b9c0d1e2f",
            "cdc-ec2-denied": "sg-06f7a8b9c0d1e2f3a",
            "cdc-throttled": "sg-07a8b9c0d1e2f3a4b",
            "cdc-slow": "sg-08b9c0d1e2f3a4b5c",
            "cdc-garbage": "sg-09c0d1e2f3a4b5c6d",
        }
        west_extra = [(cidr(ip), "ClickPipes us-west-2") for ip in west_ips]

        # (id, region, parameter group, members [(suffix, writer, group status)],
        #  public, security groups [(key, rules)], scaling, special, global)
        ready_members = [("instance-1", True, "in-sync"), ("instance-2", False, "in-sync")]
        specs = [
            ("cdc-ready", "us-east-1", "cdc-aurora-pg15", ready_members, True,
             [("cdc-ready", open_rules())], None, None, None),
            ("cdc-fresh", "us-east-1", DEFAULT_GROUP, [("instance-1", True, "in-sync")], True,
             [("cdc-fresh", [tcp(5432, 5432, [bastion, vpc])])], None, None, None),
            ("cdc-pending", "us-east-1", "cdc-pending-params",
             [("instance-1", True, "pending-reboot"), ("instance-2", False, "in-sync")], True,
             [("cdc-pending", [tcp(5432, 5432, [(c, cp_desc) for c in cp[:half]])]),
              ("cdc-pending-b", [all_traffic([(c, cp_desc) for c in cp[half:half + 1]])])],
             None, None, None),
            ("cdc-private", "us-east-1", "cdc-aurora-pg15", ready_members, False,
             [("cdc-private", open_rules())], None, None, None),
            ("cdc-serverless-zero", "us-east-1", "cdc-aurora-pg15", ready_members, True,
             [("cdc-serverless-zero", open_rules())], (0.0, 4.0), None, None),
            ("cdc-global-primary", "us-east-1", "cdc-aurora-pg15", ready_members, True,
             [("cdc-global-primary", open_rules())], None, None, "cdc-global"),
            ("cdc-global-secondary", "us-west-2", "cdc-aurora-pg15",
             [("instance-1", False, "in-sync"), ("instance-2", False, "in-sync")], True,
             [("cdc-global-secondary", open_rules(west_extra))], None, None, "cdc-global"),
            ("cdc-denied", "us-east-1", "cdc-denied-params", ready_members, True,
             [("cdc-denied", open_rules())], None, "denied", None),
            ("cdc-ec2-denied", "us-east-1", "cdc-aurora-pg15", ready_members, True,
             [("cdc-ec2-denied", open_rules())], None, "ec2-denied", None),
            ("cdc-throttled", "us-east-1", "cdc-aurora-pg15", ready_members, True,
             [("cdc-throttled", open_rules())], None, "throttled", None),
            ("cdc-slow", "us-east-1", "cdc-aurora-pg15", ready_members, True,
             [("cdc-slow", open_rules())], None, "slow", None),
            ("cdc-garbage", "us-east-1", "cdc-aurora-pg15", ready_members, True,
             [("cdc-garbage", open_rules())], None, "garbage", None),
        ]
        for cid, region, group, members, public, sgs, scaling, special, global_id in specs:
            cluster = {
                "id": cid, "region": region, "group": group, "public": public,
                "sg_ids": [sg_ids[key] for key, _ in sgs], "scaling": scaling,
                "special": special, "global": global_id,
                "created": CLUSTER_CREATED,
            }
            cluster["members"] = [
                {"id": f"{cid}-{suffix}", "writer": writer, "status": status,
                 "az": REGIONS[region]["subnets"][i % 3][1], "cluster": cluster}
                for i, (suffix, writer, status) in enumerate(members)]
            self.clusters[(region, cid)] = cluster
            for member in cluster["members"]:
                self.instances[(region, member["id"])] = member
            if group != DEFAULT_GROUP:
                key = (region, group)
                if key not in self.groups:
                    self.groups[key] = {"params": parameter_list(CDC_VALUES),
                                        "denied": special == "denied"}
            for key, rules in sgs:
                sid = sg_ids[key]
                self.sgs[(region, sid)] = {
                    "id": sid, "region": region, "name": f"{key}-db",
                    "description": f"Aurora PostgreSQL {cid}", "rules": rules,
                    "cluster": cluster,
                }

        primary = self.clusters[("us-east-1", "cdc-global-primary")]
        secondary = self.clusters[("us-west-2", "cdc-global-secondary")]
        self.globals = {
            "cdc-global": {
                "id": "cdc-global",
                "members": [
                    {"DBClusterArn": cluster_arn("us-east-1", primary["id"]),
                     "Readers": ListOf("member", [cluster_arn("us-west-2", secondary["id"])]),
                     "IsWriter": True},
                    {"DBClusterArn": cluster_arn("us-west-2", secondary["id"]),
                     "Readers": ListOf("member", []),
                     "IsWriter": False,
                     "GlobalWriteForwardingStatus": "disabled"},
                ],
            },
        }

    def cluster(self, region, ident):
        """A cluster by identifier or ARN (identifiers are case-insensitive)."""
        region, ident = split_arn(region, ident, "cluster")
        return self.clusters.get((region, ident))

    def instance(self, region, ident):
        region, ident = split_arn(region, ident, "db")
        return self.instances.get((region, ident))


def split_arn(region, ident, kind):
    """(region, lower-case id) from an identifier or an RDS ARN of `kind`."""
    match = re.fullmatch(r"arn:aws:rds:([a-z0-9-]+):\d{12}:" + kind + r":(.+)", ident)
    if match:
        return match.group(1), match.group(2).lower()
    return region, ident.lower()


# --------------------------------------------------------------------------
# Response builders (each names the API Reference page whose shape it follows)
# --------------------------------------------------------------------------

def build_db_cluster(c):
    """DBCluster — https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
    (members: DBClusterMember, VpcSecurityGroupMembership,
    ServerlessV2ScalingConfigurationInfo)."""
    r = REGIONS[c["region"]]
    cid = c["id"]
    secondary = c["global"] is not None and not any(m["writer"] for m in c["members"])
    scaling = None
    if c["scaling"] is not None:
        scaling = {"MinCapacity": c["scaling"][0], "MaxCapacity": c["scaling"][1]}
    return {
        "AllocatedStorage": 1,
        "AvailabilityZones": ListOf("AvailabilityZone", [az for _, az in r["subnets"]]),
        "BackupRetentionPeriod": 7,
        "DatabaseName": "app",
        "DBClusterIdentifier": cid,
        "DBClusterParameterGroup": c["group"],
        "DBSubnetGroup": "cdc-aurora-subnets",
        "Status": "available",
        "EarliestRestorableTime": EARLIEST_RESTORABLE,
        "Endpoint": f"{cid}.cluster-{r['dns']}.{c['region']}.rds.amazonaws.com",
        "ReaderEndpoint": f"{cid}.cluster-ro-{r['dns']}.{c['region']}.rds.amazonaws.com",
        "MultiAZ": len(c["members"]) > 1,
        "Engine": ENGINE,
        "EngineVersion": ENGINE_VERSION,
        "LatestRestorableTime": LATEST_RESTORABLE,
        "Port": PORT,
        "MasterUsername": "postgres",
        "PreferredBackupWindow": "07:04-07:34",
        "PreferredMaintenanceWindow": "sun:09:12-sun:09:42",
        "ReadReplicaIdentifiers": ListOf("ReadReplicaIdentifier", []),
        "DBClusterMembers": ListOf("DBClusterMember", [
            {"DBInstanceIdentifier": m["id"], "IsClusterWriter": m["writer"],
             "DBClusterParameterGroupStatus": m["status"], "PromotionTier": 1}
            for m in c["members"]]),
        "VpcSecurityGroups": ListOf("VpcSecurityGroupMembership", [
            {"VpcSecurityGroupId": sid, "Status": "active"} for sid in c["sg_ids"]]),
        "HostedZoneId": r["zone"],
        "StorageEncrypted": True,
        "KmsKeyId": r["kms"],
        "DbClusterResourceId": "cluster-" + resource_suffix("cluster", cid),
        "DBClusterArn": cluster_arn(c["region"], cid),
        "AssociatedRoles": ListOf("DBClusterRole", []),
        "IAMDatabaseAuthenticationEnabled": False,
        "ClusterCreateTime": c["created"],
        "EnabledCloudwatchLogsExports": ListOf("member", ["postgresql"]),
        "EngineMode": "provisioned",
        "DeletionProtection": True,
        "HttpEndpointEnabled": False,
        "CopyTagsToSnapshot": True,
        "CrossAccountClone": False,
        "DomainMemberships": ListOf("DomainMembership", []),
        "TagList": ListOf("Tag", []),
        # A Global Database's secondary (a cluster without a writer).
        "GlobalWriteForwardingRequested": False if secondary else None,
        "AutoMinorVersionUpgrade": True,
        "ServerlessV2ScalingConfiguration": scaling,
        "NetworkType": "IPV4",
    }


def build_db_instance(m):
    """DBInstance — https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html
    (members: Endpoint, VpcSecurityGroupMembership, DBSubnetGroup, ...)."""
    c = m["cluster"]
    r = REGIONS[c["region"]]
    iid = m["id"]
    return {
        "DBInstanceIdentifier": iid,
        "DBInstanceClass": "db.serverless" if c["scaling"] is not None else "db.r6g.large",
        "Engine": ENGINE,
        "DBInstanceStatus": "available",
        "MasterUsername": "postgres",
        "DBName": "app",
        "Endpoint": {"Address": f"{iid}.{r['dns']}.{c['region']}.rds.amazonaws.com",
                     "Port": PORT, "HostedZoneId": r["zone"]},
        "AllocatedStorage": 1,
        "InstanceCreateTime": INSTANCE_CREATED,
        "PreferredBackupWindow": "07:04-07:34",
        "BackupRetentionPeriod": 7,
        "DBSecurityGroups": ListOf("DBSecurityGroup", []),
        "VpcSecurityGroups": ListOf("VpcSecurityGroupMembership", [
            {"VpcSecurityGroupId": sid, "Status": "active"} for sid in c["sg_ids"]]),
        "DBParameterGroups": ListOf("DBParameterGroup", [
            {"DBParameterGroupName": "default.aurora-postgresql15",
             "ParameterApplyStatus": "in-sync"}]),
        "AvailabilityZone": m["az"],
        "DBSubnetGroup": {
            "DBSubnetGroupName": "cdc-aurora-subnets",
            "DBSubnetGroupDescription": "Subnets of the CDC Aurora clusters",
            "VpcId": r["vpc"],
            "SubnetGroupStatus": "Complete",
            "Subnets": ListOf("Subnet", [
                {"SubnetIdentifier": sid, "SubnetAvailabilityZone": {"Name": az},
                 "SubnetOutpost": {}, "SubnetStatus": "Active"}
                for sid, az in r["subnets"]]),
            "SupportedNetworkTypes": ListOf("member", ["IPV4"]),
        },
        "PreferredMaintenanceWindow": "tue:05:41-tue:06:11",
        "PendingModifiedValues": {},
        "MultiAZ": False,
        "EngineVersion": ENGINE_VERSION,
        "AutoMinorVersionUpgrade": True,
        "ReadReplicaDBInstanceIdentifiers": ListOf("ReadReplicaDBInstanceIdentifier", []),
        "LicenseModel": "postgresql-license",
        "OptionGroupMemberships": ListOf("OptionGroupMembership", [
            {"OptionGroupName": "default:aurora-postgresql-15", "Status": "in-sync"}]),
        "PubliclyAccessible": c["public"],
        "StorageType": "aurora",
        "DbInstancePort": 0,
        "DBClusterIdentifier": c["id"],
        "StorageEncrypted": True,
        "KmsKeyId": r["kms"],
        "DbiResourceId": "db-" + resource_suffix("db", iid),
        "CACertificateIdentifier": "rds-ca-rsa2048-g1",
        "DomainMemberships": ListOf("DomainMembership", []),
        "CopyTagsToSnapshot": False,
        "MonitoringInterval": 0,
        "PromotionTier": 1,
        "DBInstanceArn": instance_arn(c["region"], iid),
        "IAMDatabaseAuthenticationEnabled": False,
        "PerformanceInsightsEnabled": False,
        "DeletionProtection": False,
        "AssociatedRoles": ListOf("DBInstanceRole", []),
        "TagList": ListOf("Tag", []),
        "CustomerOwnedIpEnabled": False,
        "BackupTarget": "region",
        "NetworkType": "IPV4",
        "StorageThroughput": 0,
        "CertificateDetails": {"CAIdentifier": "rds-ca-rsa2048-g1", "ValidTill": CA_VALID_TILL},
    }


def build_global_cluster(g):
    """GlobalCluster — https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_GlobalCluster.html
    (GlobalClusterMembers: API_GlobalClusterMember.html, Readers a list of ARNs)."""
    gid = g["id"]
    return {
        "GlobalClusterIdentifier": gid,
        "GlobalClusterResourceId": "cluster-" + hex_suffix("global", gid, 16),
        "GlobalClusterArn": f"arn:aws:rds::{ACCOUNT}:global-cluster:{gid}",
        "Status": "available",
        "Engine": ENGINE,
        "EngineVersion": ENGINE_VERSION,
        "DatabaseName": "app",
        "StorageEncrypted": True,
        "DeletionProtection": False,
        "GlobalClusterMembers": ListOf("GlobalClusterMember", g["members"]),
    }


def build_security_group(sg):
    """SecurityGroup — https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroup.html
    (ipPermissions: API_IpPermission.html, ipRanges: API_IpRange.html)."""
    def permission(rule):
        return {
            "ipProtocol": rule["protocol"],
            "fromPort": rule["from"],
            "toPort": rule["to"],
            "groups": ListOf("item", []),
            "ipRanges": ListOf("item", [{"cidrIp": c, "description": d}
                                        for c, d in rule["ranges"]]),
            "ipv6Ranges": ListOf("item", []),
            "prefixListIds": ListOf("item", []),
        }
    return {
        "ownerId": ACCOUNT,
        "groupId": sg["id"],
        "groupName": sg["name"],
        "groupDescription": sg["description"],
        "ipPermissions": ListOf("item", [permission(r) for r in sg["rules"]]),
        "ipPermissionsEgress": ListOf("item", [permission(all_traffic([("0.0.0.0/0", None)]))]),
        "vpcId": REGIONS[sg["region"]]["vpc"],
    }


# --------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------

def denied(action, resource):
    """AccessDenied as RDS answers an IAM denial (HTTP 403)."""
    return ApiError(403, "AccessDenied",
                    f"User: {CALLER_ARN} is not authorized to perform: rds:{action} on "
                    f"resource: {resource} because no identity-based policy allows the "
                    f"rds:{action} action")


def list_param(params, prefix):
    """Values of a Query API list (`Prefix.1`, `Prefix.2`, …) in order."""
    found = []
    for key, value in params.items():
        match = re.fullmatch(re.escape(prefix) + r"\.(\d+)", key)
        if match:
            found.append((int(match.group(1)), value))
    return [v for _, v in sorted(found)]


def rds_filters(params):
    """RDS Filters.Filter.N.Name / Filters.Filter.N.Values.Value.M as a dict."""
    out = {}
    n = 1
    while f"Filters.Filter.{n}.Name" in params:
        out[params[f"Filters.Filter.{n}.Name"]] = list_param(
            params, f"Filters.Filter.{n}.Values.Value")
        n += 1
    return out


def page(items, params, scope, default_size=100):
    """RDS Marker/MaxRecords pagination: (this page's items, next Marker)."""
    size = default_size
    if "MaxRecords" in params:
        try:
            size = int(params["MaxRecords"])
        except ValueError:
            size = 0
        if not 20 <= size <= 100:
            raise ApiError(400, "InvalidParameterValue",
                           f"Invalid value {params['MaxRecords']} for MaxRecords. "
                           "Must be between 20 and 100")
    start = 0
    if params.get("Marker"):
        try:
            tag, offset = base64.b64decode(params["Marker"], validate=True).decode().rsplit("|", 1)
            start = int(offset)
            if tag != scope:
                raise ValueError(tag)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "InvalidParameterValue",
                           f"Invalid marker: {params['Marker']}") from None
    chunk = items[start:start + size]
    marker = None
    if start + size < len(items):
        marker = base64.b64encode(f"{scope}|{start + size}".encode()).decode()
    return chunk, marker


class Actions:
    """The Describe* actions, named as the Query API names them: each takes
    the request's region and form parameters and returns the result members
    (or "garbage"), or raises ApiError."""

    def __init__(self, world, stop, slow_seconds):
        self.world = world
        self.stop = stop
        self.slow_seconds = slow_seconds

    # API_DescribeDBClusters: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
    def DescribeDBClusters(self, region, params):
        ident = params.get("DBClusterIdentifier")
        wanted = rds_filters(params).get("db-cluster-id")
        if ident is not None:
            c = self.world.cluster(region, ident)
            if c is None:
                raise ApiError(404, "DBClusterNotFoundFault", f"DBCluster {ident} not found.")
            clusters = [c]
        elif wanted is not None:
            ids = {split_arn(region, w, "cluster") for w in wanted}
            clusters = [c for key, c in sorted(self.world.clusters.items()) if key in ids]
        else:  # all of the region's clusters but the misbehaving ones
            clusters = [c for (r, _), c in sorted(self.world.clusters.items())
                        if r == region and c["special"] is None]
        # The scenarios whose DescribeDBClusters misbehaves, when named.
        for c in clusters:
            special = c["special"]
            if special == "denied":
                raise denied("DescribeDBClusters", cluster_arn(c["region"], c["id"]))
            if special == "throttled":
                raise ApiError(400, "Throttling", "Rate exceeded")
            if special == "slow":
                self.stop.wait(self.slow_seconds)
            if special == "garbage":
                return "garbage"
        chunk, marker = page(clusters, params, "clusters")
        return {"Marker": marker,
                "DBClusters": ListOf("DBCluster", [build_db_cluster(c) for c in chunk])}

    # API_DescribeDBInstances: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
    def DescribeDBInstances(self, region, params):
        ident = params.get("DBInstanceIdentifier")
        filters = rds_filters(params)
        if ident is not None:
            m = self.world.instance(region, ident)
            if m is None:
                raise ApiError(404, "DBInstanceNotFound", f"DBInstance {ident} not found.")
            if m["cluster"]["special"] == "denied":
                raise denied("DescribeDBInstances", instance_arn(region, m["id"]))
            members = [m]
        else:
            members = [m for (r, _), m in sorted(self.world.instances.items()) if r == region]
            if "db-cluster-id" in filters:
                ids = {split_arn(region, w, "cluster") for w in filters["db-cluster-id"]}
                members = [m for m in members
                           if (m["cluster"]["region"], m["cluster"]["id"]) in ids]
                if any(m["cluster"]["special"] == "denied" for m in members):
                    raise denied("DescribeDBInstances", f"arn:aws:rds:{region}:{ACCOUNT}:db:*")
            else:
                members = [m for m in members if m["cluster"]["special"] != "denied"]
            if "db-instance-id" in filters:
                ids = {split_arn(region, w, "db") for w in filters["db-instance-id"]}
                members = [m for m in members if (region, m["id"]) in ids]
        chunk, marker = page(members, params, "instances")
        return {"Marker": marker,
                "DBInstances": ListOf("DBInstance", [build_db_instance(m) for m in chunk])}

    # API_DescribeGlobalClusters: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeGlobalClusters.html
    # The list's members are <GlobalClusterMember> elements: that is the
    # locationName of GlobalClusterList in the botocore model.
    def DescribeGlobalClusters(self, region, params):
        ident = params.get("GlobalClusterIdentifier")
        globals_ = [g for _, g in sorted(self.world.globals.items())]
        if ident is not None:
            globals_ = [g for g in globals_ if g["id"] == ident.lower()]
            if not globals_:
                raise ApiError(404, "GlobalClusterNotFoundFault",
                               f"Global cluster {ident} not found.")
        chunk, marker = page(globals_, params, "globals")
        return {"Marker": marker,
                "GlobalClusters": ListOf("GlobalClusterMember",
                                         [build_global_cluster(g) for g in chunk])}

    # API_DescribeDBClusterParameters: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusterParameters.html
    # (Parameters: API_Parameter.html). The default group takes two pages.
    def DescribeDBClusterParameters(self, region, params):
        name = params.get("DBClusterParameterGroupName", "")
        group = self.world.groups.get((region, name.lower()))
        if group is None:
            raise ApiError(404, "DBParameterGroupNotFound",
                           f"DBClusterParameterGroup not found: {name}")
        if group["denied"]:
            raise denied("DescribeDBClusterParameters",
                         f"arn:aws:rds:{region}:{ACCOUNT}:cluster-pg:{name.lower()}")
        items = group["params"]
        if params.get("Source"):
            items = [p for p in items if p["Source"] == params["Source"]]
        size = DEFAULT_GROUP_PAGE if name.lower() == DEFAULT_GROUP else 100
        chunk, marker = page(items, params, f"cluster-pg:{name.lower()}", size)
        return {"Parameters": ListOf("Parameter", chunk), "Marker": marker}

    # API_DescribeSecurityGroups: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html
    def DescribeSecurityGroups(self, region, params):
        ids = list_param(params, "GroupId")
        n = 1
        while f"Filter.{n}.Name" in params:
            if params[f"Filter.{n}.Name"] == "group-id":
                ids += list_param(params, f"Filter.{n}.Value")
            n += 1
        for sid in ids:
            if not re.fullmatch(r"sg-([0-9a-f]{8}|[0-9a-f]{17})", sid):
                raise ApiError(400, "InvalidGroupId.Malformed",
                               f'Invalid id: "{sid}" (expecting "sg-...")')
        found = [self.world.sgs.get((region, sid)) for sid in ids]
        if any(sg is not None and sg["cluster"]["special"] in ("denied", "ec2-denied")
               for sg in found):
            raise ApiError(403, "UnauthorizedOperation",
                           "You are not authorized to perform this operation. User: "
                           f"{CALLER_ARN} is not authorized to perform: "
                           "ec2:DescribeSecurityGroups because no identity-based policy "
                           "allows the ec2:DescribeSecurityGroups action")
        for sid, sg in zip(ids, found):
            if sg is None:
                raise ApiError(400, "InvalidGroup.NotFound",
                               f"The security group '{sid}' does not exist")
        if not ids:
            found = [sg for (r, _), sg in sorted(self.world.sgs.items())
                     if r == region and sg["cluster"]["special"] not in ("denied", "ec2-denied")]
        unique = list({sg["id"]: sg for sg in found}.values())
        return {"securityGroupInfo": ListOf("item", [build_security_group(sg) for sg in unique])}


RDS_ACTIONS = ("DescribeDBClusters", "DescribeDBInstances", "DescribeGlobalClusters",
               "DescribeDBClusterParameters")
EC2_ACTIONS = ("DescribeSecurityGroups",)

# What cdc-garbage's DescribeDBClusters answers with HTTP 200: not XML (an
# Envoy proxy's error text, as a misconfigured proxy would send).
GARBAGE = b"upstream connect error or disconnect/reset before headers. reset reason: connection termination"


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AmazonRDS"
    sys_version = ""

    def log_message(self, fmt, *args):  # keep stderr quiet; the JSON log is the record
        pass

    def do_GET(self):
        self.handle_query(urlsplit(self.path).query)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        query = urlsplit(self.path).query
        self.handle_query("&".join(q for q in (query, body) if q))

    def handle_query(self, query):
        srv = self.server
        params = dict(parse_qsl(query, keep_blank_values=True))
        match = SCOPE.search(self.headers.get("Authorization", ""))
        region, scope_service = (match.group(1), match.group(2)) if match else (None, None)
        version = params.get("Version")
        service = {RDS_VERSION: "rds", EC2_VERSION: "ec2"}.get(version)
        if service is None and scope_service in ("rds", "ec2"):
            service = scope_service
        action = params.get("Action")
        srv.log_request_line({"service": service, "action": action, "params": params,
                              "region": region})
        request_id = str(uuid.uuid4())
        try:
            if match is None:
                raise ApiError(403, "MissingAuthenticationToken",
                               "Request is missing Authentication Token")
            if service is None:
                raise ApiError(400, "InvalidAction",
                               f"Could not find operation {action} for version {version}")
            if scope_service != service:
                raise ApiError(403, "SignatureDoesNotMatch",
                               f"Credential should be scoped to correct service: '{service}'. ")
            if not action:
                raise ApiError(400, "MissingAction", "MissingAction")
            known = RDS_ACTIONS if service == "rds" else EC2_ACTIONS
            if not action.startswith("Describe"):
                raise ApiError(400, "InvalidAction",
                               f"The action {action} is not valid for this web service.")
            if action not in known:
                raise ApiError(400, "InvalidAction",
                               f"The action {action} is not valid for this web service "
                               "(not implemented by the fake AWS endpoint).")
            # A region the account has nothing in (or none) finds nothing.
            result = getattr(srv.actions, action)(region, params)
            if result == "garbage":
                self.answer(200, GARBAGE, "text/plain", request_id, service)
                return
            if service == "rds":
                doc = rds_document(action, result, request_id)
            else:
                doc = ec2_document(action, result, request_id)
            self.answer(200, doc.encode(), "text/xml", request_id, service)
        except ApiError as error:
            if service == "ec2":
                doc = ec2_error_document(error, request_id)
            else:
                doc = rds_error_document(error, request_id)
            self.answer(error.status, doc.encode(), "text/xml", request_id, service)
        except Exception:  # a bug here: answer as AWS would (500) and say why
            traceback.print_exc()
            error = ApiError(500, "InternalFailure", "The request processing has failed.")
            doc = (ec2_error_document if service == "ec2" else rds_error_document)(
                error, request_id)
            self.answer(500, doc.encode(), "text/xml", request_id, service)

    def answer(self, status, body, content_type, request_id, service):
        if self.server.stop.is_set():
            return
        try:
            self.server_version = "AmazonEC2" if service == "ec2" else "AmazonRDS"
            self.send_response(status)
            self.send_header("x-amzn-RequestId", request_id)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its read timeout on cdc-slow)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, actions, stop, log_path):
        super().__init__(("127.0.0.1", 0), Handler)
        self.actions = actions
        self.stop = stop
        self.log_path = log_path
        self.log_lock = threading.Lock()

    def log_request_line(self, entry):
        # When it arrived, on CLOCK_MONOTONIC (as C++'s steady_clock reads it):
        # the tests compare it with the database connection's times.
        entry["monotonic_ms"] = time.monotonic() * 1000.0
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self.log_lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(line)


def load_ips(path):
    """The us-east-1 (required) and us-west-2 ClickPipes egress IPs."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    by_region = {e.get("region"): e.get("clickpipes_egress_ips") or []
                 for e in data.get("aws", []) if isinstance(e, dict)}
    east = by_region.get("us-east-1")
    if not east:
        raise SystemExit(f"{path}: no us-east-1 entry with clickpipes_egress_ips")
    return east, by_region.get("us-west-2", [])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--ips", required=True)
    parser.add_argument("--slow-seconds", type=float, default=30.0)
    args = parser.parse_args()

    east, west = load_ips(args.ips)
    stop = threading.Event()
    server = Server(Actions(World(east, west), stop, args.slow_seconds), stop, args.log)

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                               daemon=True)
    serving.start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{server.server_address[1]}\n")
    os.replace(tmp, args.port_file)

    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
