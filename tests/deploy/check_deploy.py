#!/usr/bin/python3
"""Checks the deploy files against the engine they deploy.

  check_deploy.py helm HELM ROOT ORDERFLOW   helm lint and template; the
      rendered StatefulSet, Services, ConfigMap and Secret (probes, ports,
      instance id from the pod name, mounts, a configuration that
      `orderflow` accepts)
  check_deploy.py grafana ROOT               the Grafana dashboard asks only
      for metrics the engine exports or the rules record, and shows what
      the built-in dashboard shows
  check_deploy.py systemd ROOT ORDERFLOW     the unit's command line is one
      `orderflow run` takes

Prints "N passed, 0 failed" and exits 0 when every check holds; the first
failed check ends the run with its reason.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

checks = 0


def check(condition, what):
    global checks
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        print(f"{checks} passed, 1 failed")
        sys.exit(1)
    checks += 1


def run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
    check(done.returncode == 0, " ".join(args))
    return done.stdout


def run_flags(orderflow):
    """The long options `orderflow run --help` lists."""
    return set(re.findall(r"--[a-z][a-z-]*", run([orderflow, "run", "--help"])))


def render(helm, chart, *sets):
    args = [helm, "template", "shop", chart, "--namespace", "orders"]
    for s in sets:
        args += ["--set", s]
    docs = [d for d in yaml.safe_load_all(run(args)) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    return by_kind


def check_config_accepted(orderflow, text, what):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "config.yaml")
        with open(path, "w") as f:
            f.write(text)
        done = subprocess.run([orderflow, "replay", "--config", path, "/dev/null"],
                              capture_output=True, text=True)
        check(done.returncode == 0, f"{what}: orderflow accepts it ({done.stderr.strip()})")


def check_chart(helm, root, orderflow, http_port, *sets):
    chart = os.path.join(root, "deploy", "helm", "orderflow")
    k = render(helm, chart, *sets)
    label = f"helm template {' '.join(sets)}"
    check(len(k.get("StatefulSet", [])) == 1, f"{label}: one StatefulSet")
    sts = k["StatefulSet"][0]
    spec = sts["spec"]
    pod = spec["template"]["spec"]
    check(len(pod["containers"]) == 1, "one container")
    c = pod["containers"][0]
    mounts = {m["name"]: m for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}

    # The pod's name is the instance id.
    args = c["args"]
    check(args[0] == "run", "the container runs `orderflow run`")
    check("--instance-id=$(POD_NAME)" in args, f"instance id from the pod name: {args}")
    env = {e["name"]: e for e in c.get("env", [])}
    check(env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {})
          .get("fieldPath") == "metadata.name", "POD_NAME is the pod's metadata.name")
    known = run_flags(orderflow)
    for a in args[1:]:
        check(a.split("=")[0] in known, f"{a}: a flag of orderflow run ({sorted(known)})")
    flags = dict(a.split("=", 1) for a in args[1:])

    # Ports and probes.
    ports = {p["name"]: p for p in c["ports"]}
    check(ports.get("http", {}).get("containerPort") == http_port,
          f"container port http is {http_port}")
    live, ready = c["livenessProbe"]["httpGet"], c["readinessProbe"]["httpGet"]
    check(live["path"] == "/healthz" and live["port"] in ("http", http_port),
          f"liveness is GET /healthz on the HTTP port: {live}")
    check(ready["path"] == "/readyz" and ready["port"] in ("http", http_port),
          f"readiness is GET /readyz on the HTTP port: {ready}")

    # Services: one for the HTTP port, the StatefulSet's headless one.
    services = {s["metadata"]["name"]: s for s in k.get("Service", [])}
    check(spec["serviceName"] in services, "the StatefulSet's serviceName exists")
    check(services[spec["serviceName"]]["spec"].get("clusterIP") == "None",
          "the governing Service is headless")
    pod_labels = spec["template"]["metadata"]["labels"]
    check(spec["selector"]["matchLabels"].items() <= pod_labels.items(),
          "the StatefulSet selects its pods")
    for name, s in services.items():
        check(s["spec"]["selector"].items() <= pod_labels.items(), f"{name} selects the pods")
        sp = s["spec"]["ports"]
        check(any(p["port"] == http_port and p["targetPort"] in ("http", http_port)
                  for p in sp), f"{name} serves the HTTP port {http_port}: {sp}")

    # The ConfigMap as --config, the Secret holding --kafka-properties.
    config_mount = [m for m in mounts.values()
                    if m["mountPath"] == flags["--config"]
                    or (m.get("subPath") and
                        os.path.join(m["mountPath"]) == flags["--config"])]
    check(len(config_mount) == 1, f"--config {flags['--config']} is a mount")
    cm_name = volumes[config_mount[0]["name"]]["configMap"]["name"]
    cms = {m["metadata"]["name"]: m for m in k.get("ConfigMap", [])}
    check(cm_name in cms, f"the ConfigMap {cm_name} is rendered")
    config_text = cms[cm_name]["data"][config_mount[0]["subPath"]]
    config = yaml.safe_load(config_text)
    check(config["http"]["address"] == f"0.0.0.0:{http_port}",
          f"http.address serves the container port: {config['http']}")
    # Every interface: the token's file is the Secret's `token`, mounted.
    token_dir = os.path.dirname(config["http"].get("token_file", ""))
    token_mount = [m for m in mounts.values() if m["mountPath"] == token_dir]
    check(len(token_mount) == 1, f"http.token_file lies in a mount ({config['http']})")
    token_volume = volumes[token_mount[0]["name"]]["secret"]
    check(any(i["key"] == "token" and i["path"] == os.path.basename(config["http"]["token_file"])
              for i in token_volume.get("items", [])),
          f"the token file is the Secret's token: {token_volume}")
    check("instance_id" not in config.get("kafka", {}),
          "kafka.instance_id is left to the pod name")
    check_config_accepted(orderflow, config_text, "the ConfigMap's config.yaml")

    props_dir = os.path.dirname(flags["--kafka-properties"])
    secret_mount = [m for m in mounts.values() if m["mountPath"] == props_dir]
    check(len(secret_mount) == 1, f"--kafka-properties lies in a mount ({props_dir})")
    secret_name = volumes[secret_mount[0]["name"]]["secret"]["secretName"]
    return k, secret_name, os.path.basename(flags["--kafka-properties"])


def helm_checks(helm, root, orderflow):
    chart = os.path.join(root, "deploy", "helm", "orderflow")
    out = run([helm, "lint", "--strict", chart])
    check("0 chart(s) failed" in out, f"helm lint: {out}")

    k, secret_name, key = check_chart(
        helm, root, orderflow, 9464, "replicas=3",
        "kafkaCredentials.properties.sasl\\.username=svc",
        "kafkaCredentials.properties.sasl\\.password=s3cret")
    check(k["StatefulSet"][0]["spec"]["replicas"] == 3, "three replicas")
    secrets = {s["metadata"]["name"]: s for s in k.get("Secret", [])}
    check(secret_name in secrets, f"the chart makes the Secret {secret_name}")
    token = [s for s in secrets.values() if "token" in s.get("stringData", {})]
    check(len(token) == 1 and len(token[0]["stringData"]["token"]) >= 32,
          "the chart makes a Secret with a random bearer token")
    props = secrets[secret_name]["stringData"][key]
    check("sasl.username=svc" in props.splitlines() and
          "sasl.password=s3cret" in props.splitlines(),
          f"the Secret holds the credentials as key=value: {props!r}")
    check("s3cret" not in yaml.safe_dump(k.get("ConfigMap")),
          "no credential in the ConfigMap")

    # An existing Secret: the chart makes none and mounts that one.
    k, secret_name, _ = check_chart(helm, root, orderflow, 8080, "httpPort=8080",
                                    "kafkaCredentials.existingSecret=kafka-client")
    check(secret_name == "kafka-client", "the existing Secret is mounted")
    check(not k.get("Secret") or all("kafka.properties" not in s.get("stringData", {})
                                     for s in k["Secret"]),
          "no Kafka Secret made when one exists")

    # The token given, then an existing Secret for it.
    k, _, _ = check_chart(helm, root, orderflow, 9464, "httpToken.value=given-token")
    check(any(s.get("stringData", {}).get("token") == "given-token" for s in k["Secret"]),
          "the token given is the Secret's")
    k, _, _ = check_chart(helm, root, orderflow, 9464, "httpToken.existingSecret=lead-token",
                          "kafkaCredentials.existingSecret=kafka-client")
    check(not k.get("Secret"), "no Secret made when both exist")
    vols = k["StatefulSet"][0]["spec"]["template"]["spec"]["volumes"]
    check(any(v.get("secret", {}).get("secretName") == "lead-token" for v in vols),
          "the existing token Secret is mounted")


def grafana_checks(root):
    with open(os.path.join(root, "observe", "prometheus.cc")) as f:
        exported = set(re.findall(r'"(orderflow_[a-z_]+)"', f.read()))
    with open(os.path.join(root, "deploy", "monitoring", "orderflow-rules.yml")) as f:
        rules = yaml.safe_load(f)
    recorded = {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
    with open(os.path.join(root, "deploy", "monitoring", "grafana-dashboard.json")) as f:
        board = json.load(f)
    check(board.get("title") and board.get("uid"), "the dashboard has a title and a uid")
    used = set()
    for panel in board["panels"]:
        for t in panel.get("targets", []):
            for name in re.findall(r"\b(?:instance:)?orderflow[_:][a-z0-9_:]+", t["expr"]):
                used.add(name)
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                check(name in recorded or base in exported,
                      f"panel {panel['title']!r}: {name} is exported or recorded")
    # What the built-in dashboard shows (observe/dashboard/index.html).
    for needed in ["orderflow_orders_received_total", "orderflow_orders_accepted_total",
                   "orderflow_orders_allocated_without_backorder_total",
                   "orderflow_orders_delivered_on_time_total",
                   "orderflow_orders_delivered_total",
                   "orderflow_backlog_orders", "orderflow_order_cycle_time_seconds",
                   "orderflow_escalations_raised_total", "orderflow_input_records_total",
                   "orderflow_commits_total", "orderflow_commit_duration_seconds_bucket",
                   "orderflow_dead_letters_total"]:
        check(needed in used, f"the dashboard shows {needed}")
    titles = " | ".join(p["title"] for p in board["panels"])
    for title in ["Orders received", "Accuracy", "Fill rate", "On-time delivery",
                  "Backlog", "Placed", "Cycle time", "Escalations raised by kind",
                  "Backlog by status", "Backlog by age"]:
        check(title in titles, f"a panel titled {title!r} (have: {titles})")


def systemd_checks(root, orderflow):
    path = os.path.join(root, "deploy", "systemd", "orderflow@.service")
    fields = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", "[")) and "=" in line:
                key, value = line.split("=", 1)
                fields.setdefault(key, []).append(value)
    check(len(fields.get("ExecStart", [])) == 1, "one ExecStart")
    argv = fields["ExecStart"][0].split()
    check(argv[1] == "run", "ExecStart runs `orderflow run`")
    known = run_flags(orderflow)
    flags = {}
    for i, a in enumerate(argv[2:]):
        if a.startswith("--"):
            check(a in known, f"{a}: a flag of orderflow run ({sorted(known)})")
            flags[a] = argv[2 + i + 1]
    check(flags.get("--instance-id") == "%i", "the unit's instance is the instance id")
    credential = fields["LoadCredential"][0].split(":")[0]
    check(flags.get("--kafka-properties") == "${CREDENTIALS_DIRECTORY}/" + credential,
          "the credentials come from LoadCredential")
    check(fields.get("KillSignal") == ["SIGTERM"], "SIGTERM stops it")


def main():
    what = sys.argv[1]
    if what == "helm":
        helm_checks(sys.argv[2], sys.argv[3], sys.argv[4])
    elif what == "grafana":
        grafana_checks(sys.argv[2])
    elif what == "systemd":
        systemd_checks(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown check {what}")
    print(f"{checks} passed, 0 failed")


if __name__ == "__main__":
    main()
