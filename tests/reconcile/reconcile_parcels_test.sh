#!/usr/bin/env bash
# `orderflow reconcile` parcel by parcel (rule 10) against known answers:
# parcels.input.jsonl is a November of split shipments (two parcels of an
# order delivered and billed in full; 5 of 6 mugs shipped in two parcels,
# one delivered, billed for 6; a line billed 3300 against 3600 shipped in
# two parcels; a third mug in a parcel beyond the two ordered; a parcel
# shipped and not billed; a line billed and not shipped; a v1 order billed
# low; an order with a parcel on October 31 and the rest on November 1;
# one with a parcel in October and the rest in December). The text report
# must equal parcels.expected.txt byte for byte, the JSON must name the
# parcels of each line and the over-shipment, and October must hold the
# two orders with an October parcel, in agreement. A v1 month's JSON
# gains no parcel keys.
# Usage: reconcile_parcels_test.sh ORDERFLOW_BINARY TEST_DIR
set -euo pipefail
bin=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" replay --output "$work/outputs.jsonl" "$dir/parcels.input.jsonl" 2>/dev/null
"$bin" reconcile --month 2026-11 --input "$dir/parcels.input.jsonl" \
    --outputs "$work/outputs.jsonl" --json "$work/report.json" \
    >"$work/report.txt" 2>/dev/null
if ! diff -u "$dir/parcels.expected.txt" "$work/report.txt"; then
  echo "reconcile: the text report differs from parcels.expected.txt (- expected, + actual)" >&2
  exit 1
fi

"$bin" reconcile --month 2026-10 --input "$dir/parcels.input.jsonl" \
    --outputs "$work/outputs.jsonl" --json "$work/october.json" >/dev/null 2>&1

"$bin" replay --output "$work/v1-outputs.jsonl" "$dir/month.input.jsonl" 2>/dev/null
"$bin" reconcile --month 2026-10 --input "$dir/month.input.jsonl" \
    --outputs "$work/v1-outputs.jsonl" --json "$work/v1.json" >/dev/null 2>&1

python3 - "$work/report.json" "$work/october.json" "$work/v1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert (r["orders"], r["ordersWithDifferences"]) == (8, 6), (r["orders"], r["ordersWithDifferences"])
parcels = {(l["orderId"], l["lineId"]): [(p["shipmentId"], p["quantity"]) for p in l["parcels"]]
           for l in r["lines"] if "parcels" in l}
assert parcels == {("P-5", "L2"): [("PE-1", 1)], ("P-6", "L2"): [],
                   ("P-2", "L2"): [("PB-1", 3), ("PB-2", 2)],
                   ("P-3", "L1"): [("PC-1", 1), ("PC-2", 2)]}, parcels
assert [l for l in r["lines"] if l["orderId"] == "P-7"][0].get("parcels") is None
assert r["overShipments"] == [{"orderId": "P-4", "shipmentId": "PD-2", "lineId": "L1",
                               "sku": "MUG", "status": "SHIPPED", "carriedQuantity": 1,
                               "orderedQuantity": 2, "shippedBeforeQuantity": 2}], r["overShipments"]
all_eur = [t for t in r["totals"] if t["category"] == "all"][0]
assert (all_eur["lines"], all_eur["orders"], all_eur["shippedAmountMinor"],
        all_eur["invoicedAmountMinor"]) == (5, 5, 13300, 14500), all_eur
october = json.load(open(sys.argv[2]))
assert (october["orders"], october["ordersWithDifferences"]) == (2, 0), october
v1 = json.load(open(sys.argv[3]))
assert "overShipments" not in v1 and all("parcels" not in l for l in v1["lines"]), v1
PY
echo "reconcile parcels: all checks passed"
