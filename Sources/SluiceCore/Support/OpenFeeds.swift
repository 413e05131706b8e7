import Foundation
import NIOConcurrencyHelpers

/// Bounds the live feeds (the event tail, the analytics feed) a tenant holds open on one
/// server: each polls PostgreSQL a few times a second for as long as it is open, so an
/// untrusted tenant's feeds could otherwise take the database from every other tenant.
package final class OpenFeeds: Sendable {
    /// Feeds a tenant may hold open at once on this server (`SLUICE_MAX_FEEDS_PER_TENANT`).
    package let limit: Int
    private let open = NIOLockedValueBox<[UUID: Int]>([:])

    package init(limit: Int) {
        self.limit = limit
    }

    /// Takes one of the tenant's places, or refuses (429, retry in a few seconds); the
    /// answer gives it back, once.
    package func take(tenant: UUID) throws -> Release {
        let taken = open.withLockedValue { counts in
            guard counts[tenant, default: 0] < limit else { return false }
            counts[tenant, default: 0] += 1
            return true
        }
        guard taken else {
            throw SluiceError.tooManyRequests(
                "At most \(limit) live feeds (event tails and analytics feeds) of a tenant are open on one server at once; close one, or retry.",
                retryAfterSeconds: 5
            )
        }
        return Release(feeds: self, tenant: tenant)
    }

    /// How many feeds the tenant holds open now.
    package func count(tenant: UUID) -> Int { open.withLockedValue { $0[tenant, default: 0] } }

    fileprivate func give(_ tenant: UUID) {
        open.withLockedValue { counts in
            let left = counts[tenant, default: 0] - 1
            counts[tenant] = left > 0 ? left : nil
        }
    }

    /// A place held; `callAsFunction` gives it back (again does nothing).
    package final class Release: Sendable {
        private let feeds: OpenFeeds
        private let tenant: UUID
        private let done = NIOLockedValueBox(false)

        fileprivate init(feeds: OpenFeeds, tenant: UUID) {
            self.feeds = feeds
            self.tenant = tenant
        }

        package func callAsFunction() {
            guard
                done.withLockedValue({ done in
                    defer { done = true }
                    return !done
                })
            else { return }
            feeds.give(tenant)
        }

        deinit { self() }
    }
}
