import CCurl
import Foundation
import Synchronization

/// The thread that owns libcurl's multi handle and every easy handle.
///
/// - Invariant: `multi`, `transfers` and every easy handle are used only on the loop's own thread. Other
///   threads only append to `inbox` (a mutex) and call `curl_multi_wakeup`, which libcurl documents as safe
///   to call from any thread. That is what makes the `@unchecked Sendable` sound.
final class CurlMultiLoop: @unchecked Sendable {
    private struct Submission {
        let id: UInt64
        let request: HTTPClientRequest
        let continuation: CheckedContinuation<HTTPClientResponse, any Error>
    }

    private struct Inbox {
        var submissions: [Submission] = []
        /// Requests handed to the loop that were cancelled since; the loop drains these.
        var cancellations: Set<UInt64> = []
        /// Ids reserved by `send` but not yet submitted, and those of them already cancelled: a cancel
        /// that comes first is kept here, where the loop cannot drain it, until `submit` sees it.
        var reserved: Set<UInt64> = []
        var cancelledBeforeSubmit: Set<UInt64> = []
        var nextID: UInt64 = 0
        var stopping = false
        var stopped = false
    }

    private let configuration: CurlTransport.Configuration
    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private let exited = DispatchSemaphore(value: 0)
    /// Loop thread only.
    private var transfers: [UInt64: CurlTransfer] = [:]
    /// Loop thread only: which transfer an easy handle belongs to, for libcurl's completion messages.
    private var idsByHandle: [UnsafeMutableRawPointer: UInt64] = [:]

    init(configuration: CurlTransport.Configuration) {
        CurlGlobal.initialize()
        self.configuration = configuration
        multi = curl_multi_init()
        tsunagu_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        tsunagu_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxConnectionsPerHost * 2)
        let thread = Thread { [self] in run() }
        thread.name = "tsunagu-curl"
        thread.start()
    }

    func reserveID() -> UInt64 {
        inbox.withLock { inbox in
            inbox.nextID &+= 1
            inbox.reserved.insert(inbox.nextID)
            return inbox.nextID
        }
    }

    func submit(id: UInt64, request: HTTPClientRequest, continuation: CheckedContinuation<HTTPClientResponse, any Error>) {
        enum Admission { case accepted, cancelled, shutDown }
        let admission = inbox.withLock { inbox -> Admission in
            inbox.reserved.remove(id)
            // Cancelled before it got here (the task was cancelled before `send` submitted it).
            if inbox.cancelledBeforeSubmit.remove(id) != nil { return .cancelled }
            guard !inbox.stopping else { return .shutDown }
            inbox.submissions.append(Submission(id: id, request: request, continuation: continuation))
            return .accepted
        }
        switch admission {
        case .accepted: curl_multi_wakeup(multi)
        case .cancelled: continuation.resume(throwing: CancellationError())
        case .shutDown: continuation.resume(throwing: HTTPTransportError(.shutDown, "The HTTP transport has been shut down."))
        }
    }

    /// Cancels request `id` wherever it is: not yet submitted, waiting in the inbox, or in flight.
    func cancel(id: UInt64) {
        let waiting = inbox.withLock { inbox -> Submission? in
            if inbox.reserved.contains(id) {
                inbox.cancelledBeforeSubmit.insert(id)
            } else if let index = inbox.submissions.firstIndex(where: { $0.id == id }) {
                return inbox.submissions.remove(at: index)
            } else {
                inbox.cancellations.insert(id)
            }
            return nil
        }
        if let waiting {
            waiting.continuation.resume(throwing: CancellationError())
        } else {
            curl_multi_wakeup(multi)
        }
    }

    /// Asks the loop to stop and waits until it has (and has failed what was in flight).
    func stop() {
        let shouldWait = inbox.withLock { inbox -> Bool in
            if inbox.stopped { return false }
            inbox.stopped = true
            inbox.stopping = true
            return true
        }
        guard shouldWait else { return }
        curl_multi_wakeup(multi)
        exited.wait()
    }

    // MARK: - The loop thread

    private func run() {
        var running: Int32 = 0
        while true {
            let (submissions, cancellations, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.submissions.removeAll()
                    inbox.cancellations.removeAll()
                }
                return (inbox.submissions, inbox.cancellations, inbox.stopping)
            }
            if stopping {
                for submission in submissions {
                    submission.continuation.resume(throwing: HTTPTransportError(.shutDown, "The HTTP transport has been shut down."))
                }
                break
            }
            for submission in submissions { start(submission) }
            for id in cancellations { finish(id, with: .failure(CancellationError())) }

            curl_multi_perform(multi, &running)
            collectFinishedTransfers()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for id in Array(transfers.keys) {
            finish(id, with: .failure(HTTPTransportError(.shutDown, "The HTTP transport has been shut down.")))
        }
        curl_multi_cleanup(multi)
        exited.signal()
    }

    private func start(_ submission: Submission) {
        do {
            let transfer = try CurlTransfer(
                request: submission.request, configuration: configuration, continuation: submission.continuation)
            let added = curl_multi_add_handle(multi, transfer.easy)
            guard added == CURLM_OK else {
                transfer.complete(
                    with: .failure(HTTPTransportError(.other, String(cString: curl_multi_strerror(added)))))
                return
            }
            transfers[submission.id] = transfer
            idsByHandle[transfer.easy] = submission.id
        } catch {
            submission.continuation.resume(throwing: error)
        }
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = tsunagu_curl_msg_result(message)
            guard let id = idsByHandle[easy], let transfer = transfers[id] else { continue }
            finish(id, with: transfer.result(for: code))
        }
    }

    private func finish(_ id: UInt64, with result: Result<HTTPClientResponse, any Error>) {
        guard let transfer = transfers.removeValue(forKey: id) else { return }
        idsByHandle[transfer.easy] = nil
        curl_multi_remove_handle(multi, transfer.easy)
        transfer.complete(with: result)
    }
}

/// `curl_global_init` once per process, before the first handle.
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    static func initialize() {
        precondition(initialized, "libcurl could not be initialised")
    }
}
