/// An open case as the idle rule reads it: its stage and the moments something happened in it. Each backend only
/// reads these columns (``CaseStore/openCaseActivity()``); which stage a case is in, and whether it is idle, is
/// decided here, once.
public struct OpenCaseActivity: Sendable, Hashable {
    public var handle: String
    public var openedAt: Int64
    public var queuedAt: Int64?
    public var claimedAt: Int64?
    /// Who holds it now (a lapsed claim included: it stays that counsellor's until someone takes it).
    public var counsellor: String?
    /// When its newest transcript line was written, if it has one.
    public var lastLineAt: Int64?

    public init(handle: String, openedAt: Int64, queuedAt: Int64?, claimedAt: Int64?, counsellor: String?, lastLineAt: Int64?) {
        self.handle = handle
        self.openedAt = openedAt
        self.queuedAt = queuedAt
        self.claimedAt = claimedAt
        self.counsellor = counsellor
        self.lastLineAt = lastLineAt
    }

    /// The last time anything happened: opened, queued, claimed, or a line written by anyone.
    public var lastActivity: Int64 { max(openedAt, queuedAt ?? openedAt, claimedAt ?? openedAt, lastLineAt ?? openedAt) }
}

/// How long an open case may stay untouched in each stage before it is closed as idle, as cutoffs (milliseconds
/// since the epoch): a case is idle when its last activity is before the cutoff of the stage it is in.
public struct IdleCutoffs: Sendable, Hashable {
    /// Still in triage (never queued).
    public var triage: Int64
    /// Waiting in the queue, held by no one.
    public var queued: Int64
    /// Held by a counsellor.
    public var held: Int64

    public init(triage: Int64, queued: Int64, held: Int64) {
        self.triage = triage
        self.queued = queued
        self.held = held
    }

    /// The cutoff of the stage `activity` is in.
    public func cutoff(for activity: OpenCaseActivity) -> Int64 {
        if activity.counsellor != nil { return held }
        return activity.queuedAt == nil ? triage : queued
    }

    public func isIdle(_ activity: OpenCaseActivity) -> Bool { activity.lastActivity < cutoff(for: activity) }

    /// The handles of the idle cases among `cases`, the longest idle first (then by handle, so every backend
    /// answers in one order).
    public func idle(_ cases: [OpenCaseActivity]) -> [String] {
        cases.filter(isIdle).sorted { ($0.lastActivity, $0.handle) < ($1.lastActivity, $1.handle) }.map(\.handle)
    }
}
