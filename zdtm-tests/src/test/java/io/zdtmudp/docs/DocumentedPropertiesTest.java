package io.zdtmudp.docs;

import static io.zdtmudp.docs.RepositoryTree.ROOT;
import static io.zdtmudp.docs.RepositoryTree.files;
import static io.zdtmudp.docs.RepositoryTree.javaSources;
import static io.zdtmudp.docs.RepositoryTree.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The -Dzdtm.* properties the code reads and the ones the docs name agree: a property no doc mentions is one a
 * user cannot find, and a row of docs/REFERENCE.md's table that no code reads is a promise nothing keeps.
 */
class DocumentedPropertiesTest {
    /** A zdtm.* name read by getProperty(name...), by an intProp(p, name...)-like helper, or held by a *PROPERTY constant. */
    private static final Pattern READ = Pattern.compile(
            "(?:getProperty\\(\\s*|Prop\\(\\s*\\w+,\\s*|\\w*PROPERTY\\w*\\s*=\\s*)\"(zdtm\\.[a-z][\\w.]*)\"");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| (`zdtm\\.[^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("`(zdtm\\.[a-z][\\w.]*)`");

    private static String docs() {
        StringBuilder all = new StringBuilder(read(ROOT.resolve("README.md")));
        Stream.of(files("docs", ".md"), files("harness", "README.md"), files("vm-images", "README.md"))
                .flatMap(List::stream).forEach(p -> all.append('\n').append(read(p)));
        return all.toString();
    }

    private static Set<String> readByCode() {
        Set<String> out = new TreeSet<>();
        for (Path p : javaSources()) {
            Matcher m = READ.matcher(read(p));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    @Test
    void everyPropertyTheCodeReadsIsDocumented() {
        Set<String> read = readByCode();
        assertThat(read).as("properties the code reads").contains("zdtm.kernel", "zdtm.shard", "zdtm.report.dir");
        String docs = docs();
        Set<String> undocumented = new TreeSet<>();
        for (String p : read) {
            // "-Dzdtm.x=" counts: only a longer name around it does not.
            if (!Pattern.compile("(?<![a-z0-9_.])" + Pattern.quote(p) + "(?![\\w.])").matcher(docs).find()) {
                undocumented.add(p);
            }
        }
        assertThat(undocumented).as("properties read by the code that README.md, docs/ and the READMEs never name").isEmpty();
    }

    @Test
    void everyPropertyOfTheReferenceTableIsReadByTheCodeOrThePoms() {
        Matcher rows = TABLE_ROW.matcher(read(ROOT.resolve("docs/REFERENCE.md")));
        Set<String> listed = new TreeSet<>();
        while (rows.find()) {
            Matcher n = NAME.matcher(rows.group(1));
            while (n.find()) {
                listed.add(n.group(1));
            }
        }
        assertThat(listed).as("the properties table of docs/REFERENCE.md").contains("zdtm.kernel", "zdtm.shard");
        StringBuilder code = new StringBuilder();
        javaSources().forEach(p -> code.append(read(p)));
        Stream.of(ROOT.resolve("pom.xml"), ROOT.resolve("harness/pom.xml"), ROOT.resolve("zdtm-tests/pom.xml"))
                .forEach(p -> code.append(read(p)));
        Set<String> unread = new TreeSet<>();
        for (String p : listed) {
            // a string in the code, a pom property, or a property that activates a pom profile
            if (!code.toString().contains("\"" + p + "\"") && !code.toString().contains("<" + p + ">")
                    && !code.toString().contains("<name>" + p + "</name>")) {
                unread.add(p);
            }
        }
        assertThat(unread).as("properties docs/REFERENCE.md lists that no code or pom reads").isEmpty();
    }
}
