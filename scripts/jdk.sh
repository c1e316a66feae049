# Sourced by ./jkvm, ./test and the benchmark scripts: sets JAVA_HOME to a JDK >= 22 (FFM is final since 22),
# trying $JAVA_HOME first, then every JDK under /usr/lib/jvm, newest first; stops with a message if none fits.
jkvm_java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

jkvm_find_jdk() {
    local candidate major
    for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
        candidate=${candidate%/}
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        major=$(jkvm_java_major "$candidate")
        if [ -n "$major" ] && [ "$major" -ge 22 ]; then
            export JAVA_HOME=$candidate
            return 0
        fi
    done
    echo "jkvm: no JDK 22 or newer found (checked JAVA_HOME=${JAVA_HOME:-unset} and /usr/lib/jvm/*); install one, e.g. Temurin 25, and set JAVA_HOME" >&2
    return 1
}

# Maven 3.8's bundled Guice calls sun.misc.Unsafe; on JDK 24+ that only warns, so silence it.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
