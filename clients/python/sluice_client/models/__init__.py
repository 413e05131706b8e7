"""Contains all the data models used in inputs/outputs"""

from .accept_invitation_request import AcceptInvitationRequest
from .add_member_request import AddMemberRequest
from .analytics_bucket import AnalyticsBucket
from .analytics_distribution import AnalyticsDistribution
from .analytics_distribution_items_item import AnalyticsDistributionItemsItem
from .analytics_leaderboard import AnalyticsLeaderboard
from .analytics_leaderboard_entity import AnalyticsLeaderboardEntity
from .analytics_leaderboard_items_item import AnalyticsLeaderboardItemsItem
from .analytics_live_event import AnalyticsLiveEvent
from .analytics_live_event_event import AnalyticsLiveEventEvent
from .analytics_rebuild import AnalyticsRebuild
from .analytics_rebuild_request import AnalyticsRebuildRequest
from .analytics_series import AnalyticsSeries
from .analytics_series_resolution import AnalyticsSeriesResolution
from .analytics_status import AnalyticsStatus
from .analytics_tick import AnalyticsTick
from .analytics_tick_rollups_item import AnalyticsTickRollupsItem
from .analytics_tick_rollups_item_metrics import AnalyticsTickRollupsItemMetrics
from .api_key import ApiKey
from .api_key_list import ApiKeyList
from .api_key_rate_limits import ApiKeyRateLimits
from .api_key_rate_limits_request import ApiKeyRateLimitsRequest
from .api_key_scope import ApiKeyScope
from .audit_entry import AuditEntry
from .audit_entry_details import AuditEntryDetails
from .audit_page import AuditPage
from .audit_verification import AuditVerification
from .batch_result import BatchResult
from .cloud_event import CloudEvent
from .cloud_event_specversion import CloudEventSpecversion
from .commit_request import CommitRequest
from .commit_request_offsets_item import CommitRequestOffsetsItem
from .compatibility import Compatibility
from .compatibility_report import CompatibilityReport
from .compatibility_test_input import CompatibilityTestInput
from .consumer_group import ConsumerGroup
from .consumer_group_list import ConsumerGroupList
from .consumer_group_members_item import ConsumerGroupMembersItem
from .consumer_group_partition import ConsumerGroupPartition
from .consumer_group_start import ConsumerGroupStart
from .consumer_group_state import ConsumerGroupState
from .consumer_membership import ConsumerMembership
from .create_api_key_request import CreateApiKeyRequest
from .create_consumer_group_request import CreateConsumerGroupRequest
from .create_consumer_group_request_start import CreateConsumerGroupRequestStart
from .create_pull_source_request import CreatePullSourceRequest
from .create_pull_source_request_headers import CreatePullSourceRequestHeaders
from .create_pull_source_request_secret_headers import CreatePullSourceRequestSecretHeaders
from .create_stream_request import CreateStreamRequest
from .create_subscription_request import CreateSubscriptionRequest
from .create_subscription_request_start import CreateSubscriptionRequestStart
from .created_api_key import CreatedApiKey
from .created_invitation import CreatedInvitation
from .created_subscription import CreatedSubscription
from .dead_letter_cause_list import DeadLetterCauseList
from .dead_letter_cause_list_items_item import DeadLetterCauseListItemsItem
from .dead_letter_count import DeadLetterCount
from .dead_letter_selection import DeadLetterSelection
from .dead_letter_selection_filter import DeadLetterSelectionFilter
from .delivery import Delivery
from .delivery_attempt import DeliveryAttempt
from .delivery_page import DeliveryPage
from .delivery_status import DeliveryStatus
from .effective_rate_limit import EffectiveRateLimit
from .effective_rate_limit_source import EffectiveRateLimitSource
from .entity_activity import EntityActivity
from .entity_activity_buckets_item import EntityActivityBucketsItem
from .entity_activity_buckets_item_growth import EntityActivityBucketsItemGrowth
from .entity_activity_buckets_item_metrics import EntityActivityBucketsItemMetrics
from .entity_activity_kind import EntityActivityKind
from .entity_activity_resolution import EntityActivityResolution
from .event import Event
from .event_attributes import EventAttributes
from .event_batch_input import EventBatchInput
from .event_delivery import EventDelivery
from .event_delivery_state import EventDeliveryState
from .event_detail import EventDetail
from .event_input import EventInput
from .event_page import EventPage
from .failure import Failure
from .failure_kind import FailureKind
from .failure_page import FailurePage
from .fetch_request import FetchRequest
from .fetch_result import FetchResult
from .field_error import FieldError
from .get_analytics_leaderboard_entity import GetAnalyticsLeaderboardEntity
from .get_analytics_series_resolution import GetAnalyticsSeriesResolution
from .get_entity_activity_kind import GetEntityActivityKind
from .get_entity_activity_resolution import GetEntityActivityResolution
from .health import Health
from .health_status import HealthStatus
from .ingest_batch_content_encoding import IngestBatchContentEncoding
from .ingest_event_content_encoding import IngestEventContentEncoding
from .ingest_platform_content_encoding import IngestPlatformContentEncoding
from .ingest_platform_platform import IngestPlatformPlatform
from .ingest_result import IngestResult
from .ingest_result_status import IngestResultStatus
from .instagram_webhook import InstagramWebhook
from .instagram_webhook_input import InstagramWebhookInput
from .invitation import Invitation
from .invitation_list import InvitationList
from .join_consumer_group_request import JoinConsumerGroupRequest
from .key_usage import KeyUsage
from .key_usage_principal import KeyUsagePrincipal
from .lag_history import LagHistory
from .lag_history_samples_item import LagHistorySamplesItem
from .list_dead_letters_status import ListDeadLettersStatus
from .list_failures_kind import ListFailuresKind
from .list_quarantine_status import ListQuarantineStatus
from .login_request import LoginRequest
from .me import Me
from .member import Member
from .member_list import MemberList
from .membership import Membership
from .partition_page import PartitionPage
from .platform_payload import PlatformPayload
from .poll_source_request import PollSourceRequest
from .principal import Principal
from .principal_type import PrincipalType
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .problem_errors_item_location import ProblemErrorsItemLocation
from .pull_entity import PullEntity
from .pull_entity_change import PullEntityChange
from .pull_entity_count import PullEntityCount
from .pull_entity_list import PullEntityList
from .pull_entity_page import PullEntityPage
from .pull_mapping import PullMapping
from .pull_mapping_kind import PullMappingKind
from .pull_mapping_metrics import PullMappingMetrics
from .pull_mapping_platform import PullMappingPlatform
from .pull_run import PullRun
from .pull_run_outcome import PullRunOutcome
from .pull_run_page import PullRunPage
from .pull_source import PullSource
from .pull_source_headers import PullSourceHeaders
from .pull_source_last_error import PullSourceLastError
from .pull_source_list import PullSourceList
from .pull_source_settings import PullSourceSettings
from .pull_source_settings_headers import PullSourceSettingsHeaders
from .pull_source_settings_secret_headers import PullSourceSettingsSecretHeaders
from .pull_source_state import PullSourceState
from .quarantine_page import QuarantinePage
from .quarantined_event import QuarantinedEvent
from .quarantined_event_event import QuarantinedEventEvent
from .quarantined_event_status import QuarantinedEventStatus
from .rate_limit_setting import RateLimitSetting
from .readiness import Readiness
from .readiness_status import ReadinessStatus
from .refresh_request import RefreshRequest
from .reset_offsets_request import ResetOffsetsRequest
from .reset_offsets_request_to import ResetOffsetsRequestTo
from .reset_offsets_result import ResetOffsetsResult
from .reset_offsets_result_moves_item import ResetOffsetsResultMovesItem
from .role import Role
from .rollup_dimensions import RollupDimensions
from .schema_input import SchemaInput
from .schema_mode import SchemaMode
from .schema_version import SchemaVersion
from .schema_version_list import SchemaVersionList
from .signup_request import SignupRequest
from .signup_response import SignupResponse
from .stream import Stream
from .stream_list import StreamList
from .subscription import Subscription
from .subscription_list import SubscriptionList
from .subscription_secret import SubscriptionSecret
from .subscription_settings import SubscriptionSettings
from .subscription_state import SubscriptionState
from .switch_tenant_request import SwitchTenantRequest
from .tail_batch import TailBatch
from .tail_event import TailEvent
from .tail_event_event import TailEventEvent
from .tenant import Tenant
from .token_pair import TokenPair
from .token_pair_token_type import TokenPairTokenType
from .update_member_request import UpdateMemberRequest
from .update_stream_request import UpdateStreamRequest
from .update_subscription_request import UpdateSubscriptionRequest
from .usage_period import UsagePeriod
from .usage_report import UsageReport
from .user import User

__all__ = (
    "AcceptInvitationRequest",
    "AddMemberRequest",
    "AnalyticsBucket",
    "AnalyticsDistribution",
    "AnalyticsDistributionItemsItem",
    "AnalyticsLeaderboard",
    "AnalyticsLeaderboardEntity",
    "AnalyticsLeaderboardItemsItem",
    "AnalyticsLiveEvent",
    "AnalyticsLiveEventEvent",
    "AnalyticsRebuild",
    "AnalyticsRebuildRequest",
    "AnalyticsSeries",
    "AnalyticsSeriesResolution",
    "AnalyticsStatus",
    "AnalyticsTick",
    "AnalyticsTickRollupsItem",
    "AnalyticsTickRollupsItemMetrics",
    "ApiKey",
    "ApiKeyList",
    "ApiKeyRateLimits",
    "ApiKeyRateLimitsRequest",
    "ApiKeyScope",
    "AuditEntry",
    "AuditEntryDetails",
    "AuditPage",
    "AuditVerification",
    "BatchResult",
    "CloudEvent",
    "CloudEventSpecversion",
    "CommitRequest",
    "CommitRequestOffsetsItem",
    "Compatibility",
    "CompatibilityReport",
    "CompatibilityTestInput",
    "ConsumerGroup",
    "ConsumerGroupList",
    "ConsumerGroupMembersItem",
    "ConsumerGroupPartition",
    "ConsumerGroupStart",
    "ConsumerGroupState",
    "ConsumerMembership",
    "CreateApiKeyRequest",
    "CreateConsumerGroupRequest",
    "CreateConsumerGroupRequestStart",
    "CreatedApiKey",
    "CreatedInvitation",
    "CreatedSubscription",
    "CreatePullSourceRequest",
    "CreatePullSourceRequestHeaders",
    "CreatePullSourceRequestSecretHeaders",
    "CreateStreamRequest",
    "CreateSubscriptionRequest",
    "CreateSubscriptionRequestStart",
    "DeadLetterCauseList",
    "DeadLetterCauseListItemsItem",
    "DeadLetterCount",
    "DeadLetterSelection",
    "DeadLetterSelectionFilter",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryPage",
    "DeliveryStatus",
    "EffectiveRateLimit",
    "EffectiveRateLimitSource",
    "EntityActivity",
    "EntityActivityBucketsItem",
    "EntityActivityBucketsItemGrowth",
    "EntityActivityBucketsItemMetrics",
    "EntityActivityKind",
    "EntityActivityResolution",
    "Event",
    "EventAttributes",
    "EventBatchInput",
    "EventDelivery",
    "EventDeliveryState",
    "EventDetail",
    "EventInput",
    "EventPage",
    "Failure",
    "FailureKind",
    "FailurePage",
    "FetchRequest",
    "FetchResult",
    "FieldError",
    "GetAnalyticsLeaderboardEntity",
    "GetAnalyticsSeriesResolution",
    "GetEntityActivityKind",
    "GetEntityActivityResolution",
    "Health",
    "HealthStatus",
    "IngestBatchContentEncoding",
    "IngestEventContentEncoding",
    "IngestPlatformContentEncoding",
    "IngestPlatformPlatform",
    "IngestResult",
    "IngestResultStatus",
    "InstagramWebhook",
    "InstagramWebhookInput",
    "Invitation",
    "InvitationList",
    "JoinConsumerGroupRequest",
    "KeyUsage",
    "KeyUsagePrincipal",
    "LagHistory",
    "LagHistorySamplesItem",
    "ListDeadLettersStatus",
    "ListFailuresKind",
    "ListQuarantineStatus",
    "LoginRequest",
    "Me",
    "Member",
    "MemberList",
    "Membership",
    "PartitionPage",
    "PlatformPayload",
    "PollSourceRequest",
    "Principal",
    "PrincipalType",
    "Problem",
    "ProblemErrorsItem",
    "ProblemErrorsItemLocation",
    "PullEntity",
    "PullEntityChange",
    "PullEntityCount",
    "PullEntityList",
    "PullEntityPage",
    "PullMapping",
    "PullMappingKind",
    "PullMappingMetrics",
    "PullMappingPlatform",
    "PullRun",
    "PullRunOutcome",
    "PullRunPage",
    "PullSource",
    "PullSourceHeaders",
    "PullSourceLastError",
    "PullSourceList",
    "PullSourceSettings",
    "PullSourceSettingsHeaders",
    "PullSourceSettingsSecretHeaders",
    "PullSourceState",
    "QuarantinedEvent",
    "QuarantinedEventEvent",
    "QuarantinedEventStatus",
    "QuarantinePage",
    "RateLimitSetting",
    "Readiness",
    "ReadinessStatus",
    "RefreshRequest",
    "ResetOffsetsRequest",
    "ResetOffsetsRequestTo",
    "ResetOffsetsResult",
    "ResetOffsetsResultMovesItem",
    "Role",
    "RollupDimensions",
    "SchemaInput",
    "SchemaMode",
    "SchemaVersion",
    "SchemaVersionList",
    "SignupRequest",
    "SignupResponse",
    "Stream",
    "StreamList",
    "Subscription",
    "SubscriptionList",
    "SubscriptionSecret",
    "SubscriptionSettings",
    "SubscriptionState",
    "SwitchTenantRequest",
    "TailBatch",
    "TailEvent",
    "TailEventEvent",
    "Tenant",
    "TokenPair",
    "TokenPairTokenType",
    "UpdateMemberRequest",
    "UpdateStreamRequest",
    "UpdateSubscriptionRequest",
    "UsagePeriod",
    "UsageReport",
    "User",
)
