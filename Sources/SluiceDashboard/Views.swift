import Mustache

/// The dashboard's pages: Mustache templates compiled into the binary, each a child of
/// `layout` (`{{<layout}}…{{/layout}}`). Values are HTML-escaped as they are written
/// (`{{name}}`); no template uses the unescaped form.
public struct DashboardViews: Sendable {
    let library: MustacheLibrary

    public init() throws {
        let sources: [(String, [UInt8])] = [
            ("layout", PackageResources.layout_mustache),
            ("sign-in", PackageResources.sign_in_mustache),
            ("error", PackageResources.error_mustache),
            ("overview", PackageResources.overview_mustache),
            ("streams", PackageResources.streams_mustache),
            ("stream", PackageResources.stream_mustache),
            ("stream-form", PackageResources.stream_form_mustache),
            ("confirm", PackageResources.confirm_mustache),
            ("api-keys", PackageResources.api_keys_mustache),
            ("stream-tabs", PackageResources.stream_tabs_mustache),
            ("tail", PackageResources.tail_mustache),
            ("events", PackageResources.events_mustache),
            ("event", PackageResources.event_mustache),
            ("subscriptions", PackageResources.subscriptions_mustache),
            ("subscription", PackageResources.subscription_mustache),
            ("groups", PackageResources.groups_mustache),
            ("group", PackageResources.group_mustache),
            ("schemas", PackageResources.schemas_mustache),
            ("schema", PackageResources.schema_mustache),
            ("sources", PackageResources.sources_mustache),
            ("source", PackageResources.source_mustache),
            ("analytics", PackageResources.analytics_mustache),
            ("entity", PackageResources.entity_mustache),
            ("members", PackageResources.members_mustache),
            ("audit", PackageResources.audit_mustache),
            ("usage", PackageResources.usage_mustache),
        ]
        var templates: [String: MustacheTemplate] = [:]
        for (name, bytes) in sources {
            templates[name] = try MustacheTemplate(string: String(decoding: bytes, as: UTF8.self))
        }
        library = MustacheLibrary(templates: templates)
    }

    /// The page `template` with `values`; an unknown template is an empty page (a bug the
    /// browser tests would show, never a trap).
    public func render(_ template: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: template) ?? ""
    }
}
