# Sourced by the local scripts: exports the stack's credentials. For each name the first of these wins:
# <NAME>_FILE (a file holding the value, the Docker secrets convention), the environment, .env, .env.example.
# A value is never printed.

piam_credentials() { # repo root
  local root="$1" f line key value file_key
  for f in "$root/.env" "$root/.env.example"; do
    [[ -f "$f" ]] || continue
    while IFS= read -r line || [[ -n "$line" ]]; do
      [[ "$line" =~ ^([A-Z][A-Z0-9_]*)=(.*)$ ]] || continue
      key="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}"
      file_key="${key}_FILE"
      if [[ -n "${!file_key:-}" ]]; then
        [[ -r "${!file_key}" ]] || { echo "$file_key=${!file_key}: cannot read that file" >&2; return 1; }
        value="$(<"${!file_key}")"
      elif [[ -n "${!key+set}" ]]; then
        continue # the environment (or .env before .env.example) already said
      elif [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
        value="${BASH_REMATCH[1]}"
      fi
      export "$key=$value"
    done <"$f"
  done
}
