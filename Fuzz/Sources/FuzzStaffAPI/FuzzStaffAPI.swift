import Foundation
import TsunaguCore
import TsunaguServer

/// The staff API's request bodies and the values routes read from paths and queries: every route's body type,
/// dates, and statistics periods. A refusal is always the same sentence, which repeats nothing of the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStaffAPI(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    /// Every refusal of a body is the same sentence, so it can repeat nothing of the body.
    let refusal = "The body is not the JSON this route takes; see docs/staff-api.md."
    func refuse(_ body: () throws(APIError) -> Void) {
        do {
            try body()
        } catch {
            if error.message != refusal || error.code != "invalid_body" { fatalError("an unexpected refusal: \(error.code)") }
        }
    }
    refuse { () throws(APIError) in _ = try StaffRequestBody.decode(StaffAPI.ClaimRequest.self, from: data) }
    refuse { () throws(APIError) in _ = try StaffRequestBody.decode(StaffAPI.TransferRequest.self, from: data) }
    refuse { () throws(APIError) in _ = try StaffRequestBody.decode(StaffAPI.TextRequest.self, from: data) }
    refuse { () throws(APIError) in _ = try StaffRequestBody.decode(StaffAPI.CloseRequest.self, from: data) }
    refuse { () throws(APIError) in _ = try StaffRequestBody.decode(StaffAPI.RecordRequest.self, from: data) }
    let text = String(decoding: data, as: UTF8.self)
    if let date = CivilDate(text) {
        let period = StatisticsPeriod(from: date, to: date.adding(days: Int(count % 400)))
        _ = period.isPublishable
        _ = period.milliseconds
    }
    return 0
}
