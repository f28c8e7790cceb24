import Foundation
public import Logging
public import ServiceLifecycle
public import TsunaguCore

/// At each closing time of the office, tells every woman still waiting that no answer will come today and when
/// one will (``CaseDesk/tellWaitingTheOfficeClosed()``), once among all instances (``JobSchedule``).
public struct OfficeClosingService: Service {
    public static let job = "office-closing"

    private let desk: CaseDesk
    private let hours: OfficeHours
    private let schedule: any JobSchedule
    private let clock: WallClock
    private let logger: Logger

    public init(
        desk: CaseDesk, hours: OfficeHours, schedule: any JobSchedule = SoleInstanceSchedule(), clock: WallClock,
        logger: Logger
    ) {
        self.desk = desk
        self.hours = hours
        self.schedule = schedule
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Never open again (every day a closed date): look again tomorrow; returning would stop the server.
            let closing = hours.nextClosing(after: clock.now())
            do {
                let wait = closing.map { max(0, $0 - clock.now()) + 1_000 } ?? 86_400_000
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(wait)) }
            } catch {
                return  // Shutting down.
            }
            guard let closing else { continue }
            // A short break between two slots (17:00, then 18:00 on the night shift) is not the end of the day.
            if let opening = hours.nextOpening(after: closing), opening - closing < Self.shortBreak { continue }
            await announce()
        }
    }

    /// A pause between slots shorter than this is not announced.
    static let shortBreak: Int64 = 2 * 3_600_000

    /// Tells those waiting, unless another instance already has for this closing.
    func announce() async {
        do {
            // Closings are hours apart; an instance that finds the job run within the hour leaves it.
            guard try await schedule.claim(Self.job, every: .seconds(3_600), now: clock.now()) else { return }
            let told = try await desk.tellWaitingTheOfficeClosed()
            if told > 0 { logger.notice("Told the women still waiting that the office has closed for the day", metadata: ["told": "\(told)"]) }
        } catch {
            logger.error("Could not tell those waiting that the office has closed", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}
