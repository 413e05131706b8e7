import Foundation

/// What evaluating a schema against an instance found: the issues, and the annotations that
/// `unevaluatedProperties` and `unevaluatedItems` read (which members and items a valid
/// subschema has looked at).
struct Evaluation {
    var issues: [JSONSchema.Issue] = []
    var properties: Set<String> = []
    var items: Set<Int> = []
    var allItems = false

    var valid: Bool { issues.isEmpty }

    mutating func absorb(_ other: Evaluation) {
        issues += other.issues
        if other.valid { absorbAnnotations(other) }
    }

    /// For a subschema applied to a child of the instance: its annotations are about another
    /// location, so only its issues count here.
    mutating func absorbIssues(_ other: Evaluation) {
        issues += other.issues
    }

    mutating func absorbAnnotations(_ other: Evaluation) {
        properties.formUnion(other.properties)
        items.formUnion(other.items)
        allItems = allItems || other.allItems
    }
}

struct Evaluator {
    let schema: JSONSchema
    let limit: Int
    private var depth = 0
    /// Steps left for every pattern of this validation together.
    private var patternBudget = LinearRegex.maxStepsPerValidation
    static let maxDepth = 200

    init(schema: JSONSchema, limit: Int) {
        self.schema = schema
        self.limit = limit
    }

    mutating func evaluate(
        _ node: JSONValue,
        _ instance: JSONValue,
        base: String,
        instancePath: String,
        keywordPath: String,
        dynamicScope: [String]
    ) -> Evaluation {
        var result = Evaluation()
        func fail(_ keyword: String, _ message: String, at path: String? = nil) {
            result.issues.append(.init(instancePath: path ?? instancePath, keywordPath: keywordPath + "/" + keyword, message: message))
        }
        switch node {
        case .bool(true): return result
        case .bool(false):
            result.issues.append(.init(instancePath: instancePath, keywordPath: keywordPath, message: "no value is allowed here"))
            return result
        case .object: break
        default: return result
        }
        guard depth < Self.maxDepth else {
            fail("$ref", "the schema recurses deeper than \(Self.maxDepth) levels")
            return result
        }
        depth += 1
        defer { depth -= 1 }

        var base = base
        var scope = dynamicScope
        if let id = node["$id"]?.stringValue {
            base = URIReference.withoutFragment(URIReference.resolve(id, against: base))
            scope.append(base)
        }
        func sub(
            _ child: JSONValue,
            _ value: JSONValue,
            _ keyword: String,
            path: String? = nil,
            childBase: String? = nil,
            enteringResource resource: String? = nil
        ) -> Evaluation {
            // Following a reference enters the target's resource, which joins the dynamic scope.
            let childScope = resource.map { scope.last == $0 ? scope : scope + [$0] } ?? scope
            return evaluate(
                child,
                value,
                base: childBase ?? base,
                instancePath: path ?? instancePath,
                keywordPath: keywordPath + "/" + keyword,
                dynamicScope: childScope
            )
        }
        func resource(of reference: String) -> String {
            URIReference.withoutFragment(URIReference.resolve(reference, against: base))
        }

        if let reference = node["$ref"]?.stringValue {
            if let target = schema.locate(reference, base: base) {
                result.absorb(sub(target.schema, instance, "$ref", childBase: target.base, enteringResource: resource(of: reference)))
            } else {
                fail("$ref", "cannot resolve the reference '\(reference)'")
            }
        }
        if let reference = node["$dynamicRef"]?.stringValue {
            if var target = schema.locate(reference, base: base) {
                let uri = URIReference.resolve(reference, against: base)
                if let name = URIReference.fragment(uri), !name.isEmpty, !name.hasPrefix("/"), schema.dynamicAnchors[uri] != nil {
                    for resource in scope {
                        if let outer = schema.dynamicAnchors[resource + "#" + name] {
                            target = outer
                            break
                        }
                    }
                }
                result.absorb(sub(target.schema, instance, "$dynamicRef", childBase: target.base, enteringResource: resource(of: reference)))
            } else {
                fail("$dynamicRef", "cannot resolve the reference '\(reference)'")
            }
        }

        if let type = node["type"] {
            let names = type.stringValue.map { [$0] } ?? type.arrayValue?.compactMap(\.stringValue) ?? []
            if !names.contains(where: { Self.instance(instance, hasType: $0) }) {
                fail("type", "expected \(names.joined(separator: " or ")), found \(instance.typeName)")
            }
        }
        if let options = node["enum"]?.arrayValue, !options.contains(instance) {
            fail("enum", "must be one of \(options.prefix(10).map(\.jsonText).joined(separator: ", "))")
        }
        if let constant = node["const"], constant != instance {
            fail("const", "must be \(constant.jsonText.prefix(100))")
        }

        switch instance {
        case .number(let number):
            if let divisor = node["multipleOf"]?.numberValue, !Self.isMultiple(number, of: divisor) {
                fail("multipleOf", "must be a multiple of \(divisor)")
            }
            if let bound = node["maximum"]?.numberValue, number.double > bound.double { fail("maximum", "must be at most \(bound)") }
            if let bound = node["exclusiveMaximum"]?.numberValue, number.double >= bound.double {
                fail("exclusiveMaximum", "must be less than \(bound)")
            }
            if let bound = node["minimum"]?.numberValue, number.double < bound.double { fail("minimum", "must be at least \(bound)") }
            if let bound = node["exclusiveMinimum"]?.numberValue, number.double <= bound.double {
                fail("exclusiveMinimum", "must be greater than \(bound)")
            }
        case .string(let text):
            if node["maxLength"] != nil || node["minLength"] != nil {
                let length = text.unicodeScalars.count
                if let bound = node["maxLength"]?.numberValue?.int64, length > bound { fail("maxLength", "must have at most \(bound) characters") }
                if let bound = node["minLength"]?.numberValue?.int64, length < bound { fail("minLength", "must have at least \(bound) characters") }
            }
            if let pattern = node["pattern"]?.stringValue {
                switch schema.patterns.test(pattern, text, budget: &patternBudget) {
                case .match: break
                case .noMatch: fail("pattern", "must match the pattern \(pattern)")
                case .tooExpensive:
                    fail(
                        "pattern",
                        "could not be checked against the pattern \(pattern) within the budget of pattern steps (\(LinearRegex.maxSteps) a match, \(LinearRegex.maxStepsPerValidation) a validation)"
                    )
                }
            }
        case .array(let items):
            var prefixCount = 0
            if let prefix = node["prefixItems"]?.arrayValue {
                prefixCount = prefix.count
                for (index, child) in prefix.enumerated() where index < items.count {
                    result.absorbIssues(sub(child, items[index], "prefixItems/\(index)", path: instancePath + "/\(index)"))
                    result.items.insert(index)
                }
            }
            if let child = node["items"] {
                for index in prefixCount..<max(prefixCount, items.count) {
                    result.absorbIssues(sub(child, items[index], "items", path: instancePath + "/\(index)"))
                }
                result.allItems = true
            }
            if let child = node["contains"] {
                var matched = 0
                for (index, item) in items.enumerated() where sub(child, item, "contains", path: instancePath + "/\(index)").valid {
                    matched += 1
                    result.items.insert(index)
                }
                let minimum = node["minContains"]?.numberValue?.int64 ?? 1
                if matched < minimum {
                    fail(
                        node["minContains"] == nil ? "contains" : "minContains",
                        "must contain at least \(minimum) matching item(s), found \(matched)"
                    )
                }
                if let maximum = node["maxContains"]?.numberValue?.int64, matched > maximum {
                    fail("maxContains", "must contain at most \(maximum) matching item(s), found \(matched)")
                }
            }
            if let bound = node["maxItems"]?.numberValue?.int64, items.count > bound { fail("maxItems", "must have at most \(bound) items") }
            if let bound = node["minItems"]?.numberValue?.int64, items.count < bound { fail("minItems", "must have at least \(bound) items") }
            if node["uniqueItems"]?.boolValue == true, Set(items).count != items.count { fail("uniqueItems", "items must be unique") }
        case .object(let members):
            let properties = node["properties"]?.objectValue ?? [:]
            for (name, child) in properties {
                guard let value = members[name] else { continue }
                result.absorbIssues(sub(child, value, "properties/" + JSONPointer.escape(name), path: instancePath + "/" + JSONPointer.escape(name)))
                result.properties.insert(name)
            }
            let patterns = node["patternProperties"]?.objectValue ?? [:]
            // Which names each pattern matches, within the validation's budget of pattern steps.
            var matching: [String: Set<String>] = [:]
            if !patterns.isEmpty {
                for pattern in patterns.keys {
                    for name in members.keys {
                        switch schema.patterns.test(pattern, name, budget: &patternBudget) {
                        case .match: matching[pattern, default: []].insert(name)
                        case .noMatch: break
                        case .tooExpensive:
                            fail(
                                "patternProperties",
                                "'\(name.prefix(100))' could not be checked against the pattern \(pattern) within the budget of pattern steps",
                                at: instancePath + "/" + JSONPointer.escape(name)
                            )
                        }
                    }
                }
            }
            for (pattern, child) in patterns {
                for (name, value) in members where matching[pattern]?.contains(name) == true {
                    result.absorbIssues(
                        sub(child, value, "patternProperties/" + JSONPointer.escape(pattern), path: instancePath + "/" + JSONPointer.escape(name))
                    )
                    result.properties.insert(name)
                }
            }
            if let child = node["additionalProperties"] {
                for (name, value) in members where properties[name] == nil && !matching.values.contains(where: { $0.contains(name) }) {
                    let evaluation = sub(child, value, "additionalProperties", path: instancePath + "/" + JSONPointer.escape(name))
                    if child == .bool(false) {
                        if !evaluation.valid {
                            fail("additionalProperties", "'\(name.prefix(100))' is not allowed", at: instancePath + "/" + JSONPointer.escape(name))
                        }
                    } else {
                        result.absorbIssues(evaluation)
                    }
                    result.properties.insert(name)
                }
            }
            if let child = node["propertyNames"] {
                for name in members.keys {
                    let evaluation = sub(child, .string(name), "propertyNames", path: instancePath + "/" + JSONPointer.escape(name))
                    // Reported at the member itself, so that a client can point at it.
                    if !evaluation.valid {
                        fail(
                            "propertyNames",
                            "the name '\(name.prefix(100))' is not allowed: \(evaluation.issues[0].message)",
                            at: instancePath + "/" + JSONPointer.escape(name)
                        )
                    }
                }
            }
            for name in node["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                fail("required", "'\(name)' is required", at: instancePath + "/" + JSONPointer.escape(name))
            }
            for (name, needed) in node["dependentRequired"]?.objectValue ?? [:] where members[name] != nil {
                for other in needed.arrayValue?.compactMap(\.stringValue) ?? [] where members[other] == nil {
                    fail("dependentRequired", "'\(other)' is required when '\(name)' is present", at: instancePath + "/" + JSONPointer.escape(other))
                }
            }
            for (name, child) in node["dependentSchemas"]?.objectValue ?? [:] where members[name] != nil {
                result.absorb(sub(child, instance, "dependentSchemas/" + JSONPointer.escape(name)))
            }
            if let bound = node["maxProperties"]?.numberValue?.int64, members.count > bound {
                fail("maxProperties", "must have at most \(bound) members")
            }
            if let bound = node["minProperties"]?.numberValue?.int64, members.count < bound {
                fail("minProperties", "must have at least \(bound) members")
            }
        default:
            break
        }

        if let all = node["allOf"]?.arrayValue {
            for (index, child) in all.enumerated() { result.absorb(sub(child, instance, "allOf/\(index)")) }
        }
        if let any = node["anyOf"]?.arrayValue {
            var matched = false
            var firstIssue: JSONSchema.Issue?
            for (index, child) in any.enumerated() {
                let evaluation = sub(child, instance, "anyOf/\(index)")
                if evaluation.valid {
                    matched = true
                    result.absorbAnnotations(evaluation)
                } else if firstIssue == nil {
                    firstIssue = evaluation.issues.first
                }
            }
            if !matched { fail("anyOf", "must match at least one of anyOf" + (firstIssue.map { " (first: \($0.message))" } ?? "")) }
        }
        if let one = node["oneOf"]?.arrayValue {
            var matches: [Int] = []
            for (index, child) in one.enumerated() {
                let evaluation = sub(child, instance, "oneOf/\(index)")
                if evaluation.valid {
                    matches.append(index)
                    result.absorbAnnotations(evaluation)
                }
            }
            if matches.count != 1 {
                fail(
                    "oneOf",
                    matches.isEmpty ? "must match exactly one of oneOf, matches none" : "must match exactly one of oneOf, matches \(matches.count)"
                )
            }
        }
        if let negated = node["not"], sub(negated, instance, "not").valid {
            fail("not", "must not match the 'not' schema")
        }
        if let condition = node["if"] {
            let evaluation = sub(condition, instance, "if")
            if evaluation.valid {
                result.absorbAnnotations(evaluation)
                if let then = node["then"] { result.absorb(sub(then, instance, "then")) }
            } else if let otherwise = node["else"] {
                result.absorb(sub(otherwise, instance, "else"))
            }
        }

        if let child = node["unevaluatedItems"], case .array(let items) = instance, !result.allItems {
            for index in items.indices where !result.items.contains(index) {
                let evaluation = sub(child, items[index], "unevaluatedItems", path: instancePath + "/\(index)")
                if !evaluation.valid {
                    fail("unevaluatedItems", "item \(index) is not allowed: \(evaluation.issues[0].message)", at: instancePath + "/\(index)")
                }
            }
            result.allItems = true
        }
        if let child = node["unevaluatedProperties"], case .object(let members) = instance {
            for (name, value) in members where !result.properties.contains(name) {
                let evaluation = sub(child, value, "unevaluatedProperties", path: instancePath + "/" + JSONPointer.escape(name))
                if !evaluation.valid {
                    fail("unevaluatedProperties", "'\(name.prefix(100))' is not allowed", at: instancePath + "/" + JSONPointer.escape(name))
                }
                result.properties.insert(name)
            }
        }
        return result
    }

    static func instance(_ value: JSONValue, hasType name: String) -> Bool {
        switch (name, value) {
        case ("integer", .number(let number)): number.isInteger
        case ("number", .number): true
        default: value.typeName == name
        }
    }

    /// Decimal arithmetic first, so that 0.0075 is a multiple of 0.0001.
    static func isMultiple(_ number: JSONNumber, of divisor: JSONNumber) -> Bool {
        guard divisor.double > 0 else { return false }
        if let value = Decimal(string: number.literal), let step = Decimal(string: divisor.literal), step != 0,
            abs(number.double) < 1e30, divisor.double > 1e-30
        {
            var quotient = value / step
            var rounded = Decimal()
            NSDecimalRound(&rounded, &quotient, 0, .plain)
            return rounded == quotient
        }
        let quotient = number.double / divisor.double
        return quotient.isFinite && quotient.rounded() == quotient
    }
}
