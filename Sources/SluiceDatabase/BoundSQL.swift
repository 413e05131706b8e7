import PostgresNIO

/// SQL text assembled in pieces (a column list per stream, a filter per request) in which
/// every value is a bound parameter: `bind` appends the value and answers its placeholder, so
/// the text holds only what this code wrote. Where a statement's shape is fixed, string
/// interpolation into `PostgresQuery` does the same and is preferred.
package struct BoundSQL {
    private(set) var bindings = PostgresBindings()

    package init() {}

    /// The placeholder (`$n`) of `value`, appended to the bindings.
    @discardableResult
    package mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// The placeholder of `value`, NULL when absent (still typed, so `$n::text IS NULL` reads).
    @discardableResult
    package mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// `sql`, whose only values are the placeholders `bind` answered.
    package func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: bindings) }
}
