#!/usr/bin/env bash
# Prints what clavier-spring-boot-starter adds to an application's run-time class path over
# spring-cloud-starter-loadbalancer: the jars, their count and their size. Offline, nothing
# installed: the starter is resolved inside the reactor (after compiling it and the modules it needs),
# spring-cloud-starter-loadbalancer by a throwaway pom under target/.
#
#   scripts/starter-footprint.sh            # the starter alone
#   scripts/starter-footprint.sh grpc       # the starter plus clavier-grpc
#
# Clavier's own jars (core, autoconfigure, starter, clavier-grpc) are not counted: they are
# not packaged here; together they are well under 1 MB.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/starter-footprint"
# Named in full: the root pom does not manage this plugin, and this version resolves offline.
dependency_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.9.0
mkdir -p "$out"
cd "$root"

modules="clavier-spring-boot-starter"
if [ "${1:-}" = "grpc" ]; then
	modules="clavier-spring-boot-starter,clavier-grpc"
fi

list() {
	# Runs dependency:list, each module writing its own target/footprint-deps.txt.
	./mvnw -B -o -q "$@" "$dependency_plugin:list" -DincludeScope=runtime -DoutputAbsoluteArtifactFilename=true \
		-DoutputFile=target/footprint-deps.txt >/dev/null
}

jars() {
	# The third-party jars in the given lists.
	cat "$@" | grep -o '/[^ ]*\.jar' | grep -v '/dev/clavier/' | grep -v "$root/" | sort -u
}

version() {
	sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" pom.xml | head -1
}

cat >"$out/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
	<modelVersion>4.0.0</modelVersion>
	<groupId>footprint</groupId>
	<artifactId>loadbalancer-baseline</artifactId>
	<version>0</version>
	<dependencyManagement>
		<dependencies>
			<dependency>
				<groupId>org.springframework.boot</groupId>
				<artifactId>spring-boot-dependencies</artifactId>
				<version>$(version spring-boot.version)</version>
				<type>pom</type>
				<scope>import</scope>
			</dependency>
			<dependency>
				<groupId>org.springframework.cloud</groupId>
				<artifactId>spring-cloud-dependencies</artifactId>
				<version>$(version spring-cloud.version)</version>
				<type>pom</type>
				<scope>import</scope>
			</dependency>
		</dependencies>
	</dependencyManagement>
	<dependencies>
		<dependency>
			<groupId>org.springframework.cloud</groupId>
			<artifactId>spring-cloud-starter-loadbalancer</artifactId>
		</dependency>
	</dependencies>
</project>
EOF

list -f "$out/pom.xml"
jars "$out/target/footprint-deps.txt" >"$out/baseline.jars"
list -pl "$modules" -am test-compile
lists=()
for module in ${modules//,/ }; do
	lists+=("$root/$module/target/footprint-deps.txt")
done
jars "${lists[@]}" >"$out/starter.jars"
comm -13 "$out/baseline.jars" "$out/starter.jars" >"$out/added.jars"

count=$(wc -l <"$out/added.jars")
bytes=$(if [ "$count" -gt 0 ]; then xargs stat -c %s <"$out/added.jars" | paste -sd+ | bc; else echo 0; fi)
xargs -r -n1 basename <"$out/added.jars"
printf '%s: %d jars, %.1f MB over spring-cloud-starter-loadbalancer\n' "$modules" "$count" \
	"$(echo "$bytes / 1000000" | bc -l)"
