import Testing

@testable import SluiceDatabase
@testable import SluiceServer

@Suite("Migration scripts")
struct MigrationScriptTests {
    @Test("SQL scripts split on semicolons outside quotes, comments and dollar quotes")
    func splitting() {
        let script = """
            CREATE TABLE t (s text DEFAULT 'a;b'); -- c;d
            /* e; f */ INSERT INTO "x;y" VALUES ($tag$ g; h $tag$);
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 3)
        #expect(statements[0] == "CREATE TABLE t (s text DEFAULT 'a;b')")
        #expect(statements[2].hasSuffix("END $$"))
    }
}
