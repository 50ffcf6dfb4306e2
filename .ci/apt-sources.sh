# shellcheck shell=bash
# Sourced by .ci/run. Reads the machine's own apt configuration, so no mirror host is written into
# the repository: whatever mirror or proxy this machine uses for Debian serves backports too.

# debian_main_source [APT_DIR]: the URI and signing keyring of the first enabled `deb` source for
# the suite $SUITE (default bookworm) with the component main, from APT_DIR (default /etc/apt):
# sources.list and sources.list.d/*.list (one-line format) and sources.list.d/*.sources (deb822).
# Prints "URI<TAB>KEYRING" (KEYRING may be empty); exits 1 and prints nothing when none is found.
debian_main_source() {
  local dir="${1:-/etc/apt}" suite="${SUITE:-bookworm}" files=() file
  [ -f "$dir/sources.list" ] && files+=("$dir/sources.list")
  for file in "$dir"/sources.list.d/*.list "$dir"/sources.list.d/*.sources; do
    [ -f "$file" ] && files+=("$file")
  done
  [ "${#files[@]}" -gt 0 ] || return 1
  awk -v suite="$suite" '
    function has(list, word,   n, i, parts) { n = split(list, parts, /[ \t]+/); for (i = 1; i <= n; i++) if (parts[i] == word) return 1; return 0 }
    function found(uri, keyring) { printf "%s\t%s\n", uri, keyring; hit = 1; exit }
    function stanza_end() {
      if (types != "" && has(types, "deb") && has(suites, suite) && has(components, "main") && tolower(enabled) != "no" && uris != "") { split(uris, u, /[ \t]+/); found(u[1], signed) }
      types = suites = components = uris = signed = enabled = ""
    }
    FNR == 1 { stanza_end(); deb822 = FILENAME ~ /\.sources$/ }
    deb822 {
      line = $0; sub(/#.*/, "", line)
      if (line ~ /^[ \t]*$/) { if ($0 !~ /^[ \t]*#/) stanza_end(); next }
      if (line ~ /^[ \t]/) next  # a continuation line (an inline key block): nothing we need
      key = tolower(line); sub(/:.*/, "", key); value = line; sub(/^[^:]*:[ \t]*/, "", value); sub(/[ \t]+$/, "", value)
      if (key == "types") types = value; else if (key == "uris") uris = value; else if (key == "suites") suites = value
      else if (key == "components") components = value; else if (key == "enabled") enabled = value
      else if (key == "signed-by" && value ~ /^\//) signed = value
      next
    }
    {
      line = $0; sub(/#.*/, "", line)
      if (line !~ /^[ \t]*deb[ \t]/) next
      sub(/^[ \t]*deb[ \t]+/, "", line)
      keyring = ""
      if (line ~ /^\[/) {
        options = substr(line, 2, index(line, "]") - 2); line = substr(line, index(line, "]") + 1)
        n = split(options, o, /[ \t]+/); for (i = 1; i <= n; i++) if (o[i] ~ /^signed-by=/) { keyring = o[i]; sub(/^signed-by=/, "", keyring) }
      }
      n = split(line, w, /[ \t]+/); start = (w[1] == "") ? 2 : 1
      uri = w[start]; dist = w[start + 1]; comps = ""
      for (i = start + 2; i <= n; i++) comps = comps " " w[i]
      if (dist == suite && has(comps, "main")) found(uri, keyring)
    }
    END { if (!hit) stanza_end(); exit hit ? 0 : 1 }
  ' "${files[@]}"
}

# backports_source_line [APT_DIR]: the one-line apt source for $SUITE-backports main from the
# same mirror as the machine's $SUITE main; exits 1 and prints nothing when there is none.
backports_source_line() {
  local found uri keyring
  found=$(debian_main_source "${1:-/etc/apt}") || return 1
  uri=${found%%$'\t'*}
  keyring=${found#*$'\t'}
  if [ -n "$keyring" ]; then
    printf 'deb [signed-by=%s] %s %s-backports main\n' "$keyring" "$uri" "${SUITE:-bookworm}"
  else
    printf 'deb %s %s-backports main\n' "$uri" "${SUITE:-bookworm}"
  fi
}
