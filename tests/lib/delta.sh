# Delta helpers for integration tests (source after common.sh).
#   delta_live_files TABLE   prints the live data files of TABLE's latest version as absolute
#                            paths, from an independent DuckDB replay of the JSON log (adds
#                            minus removes; no checkpoint needed as long as the JSON commits
#                            are all still there)
#   delta_parquet_list TABLE prints the same as a DuckDB list literal ['a','b',...]
delta_live_files() {
  local t=$1
  oracle --no-sort --sql "
    WITH log AS (SELECT json, filename FROM read_json_objects('$t/_delta_log/*.json',
                                       format='newline_delimited', filename=true)),
         adds AS (SELECT json_extract_string(json, '$.add.path') AS path, filename FROM log
                  WHERE json_extract(json, '$.add') IS NOT NULL),
         rems AS (SELECT json_extract_string(json, '$.remove.path') AS path, filename FROM log
                  WHERE json_extract(json, '$.remove') IS NOT NULL)
    SELECT a.path FROM adds a
    WHERE NOT EXISTS (SELECT 1 FROM rems r WHERE r.path = a.path AND r.filename > a.filename)
    ORDER BY 1" | sed -e 's/^"//' -e 's/"$//' -e "s|^|$t/|" | sed 's/%3A/:/g; s/%20/ /g'
}

delta_parquet_list() {
  printf '['; delta_live_files "$1" | sed "s/.*/'&'/" | paste -sd, | tr -d '\n'; printf ']'
}

# delta_age_files TABLE: sets the modification time of TABLE's data files (everything outside
# _delta_log/) two hours back, past the hour in which VACUUM keeps any unreferenced file (it may
# belong to a commit in flight), so a forced short-retention VACUUM can delete them.
delta_age_files() {
  find "$1" -path "$1/_delta_log" -prune -o -type f -exec touch -d '2 hours ago' {} +
}
