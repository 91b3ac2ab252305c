import Foundation
import Model
import Testing

@testable import Pipeline

@Suite struct ScheduleTests {
    let source = Source(id: "s", title: "S", url: "https://example.org/feed", interval: 3600)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func successWaitsTheIntervalOrWhatTheFeedAsks() {
        let plain = Schedule.nextAfterSuccess(source, now: now).timeIntervalSince(now)
        #expect(plain >= 3600 && plain <= 3600 + 180)
        let ttl = Schedule.nextAfterSuccess(source, now: now, serverMaxAge: 600, feedTTL: 4 * 3600).timeIntervalSince(now)
        #expect(ttl >= 4 * 3600 && ttl <= 4 * 3600 + 300)
        let capped = Schedule.nextAfterSuccess(source, now: now, feedTTL: 30 * 86_400).timeIntervalSince(now)
        #expect(capped <= 86_400 + 300)
    }

    @Test func busyFeedsArePolledSoonerAndQuietOnesLaterWithinBounds() {
        let busy = (0..<10).map { now.addingTimeInterval(-Double($0) * 600) }  // every 10 minutes
        let gap = Schedule.publishingGap(busy)
        #expect(gap == 600)
        let sooner = Schedule.nextAfterSuccess(source, now: now, publishingGap: gap).timeIntervalSince(now)
        #expect(sooner >= 900 && sooner < 1000, "a quarter of the hour, not the 10 minutes")
        let quiet = Schedule.nextAfterSuccess(source, now: now, publishingGap: 7 * 86_400).timeIntervalSince(now)
        #expect(quiet >= 4 * 3600 && quiet <= 4 * 3600 + 300, "at most four times the interval")
        #expect(Schedule.publishingGap([now, now]) == nil)
    }

    @Test func failuresBackOffExponentiallyUpToADayAndNeverStop() {
        let delays = (1...8).map { Schedule.nextAfterFailure(source, failures: $0, retryAfter: nil, now: now).timeIntervalSince(now) }
        #expect(delays == [7200, 14_400, 28_800, 57_600, 86_400, 86_400, 86_400, 86_400])
    }

    @Test func retryAfterIsHonouredInSecondsOrAsADate() {
        #expect(Schedule.nextAfterFailure(source, failures: 1, retryAfter: "36000", now: now).timeIntervalSince(now) == 36_000)
        let date = "Fri, 15 Jan 2027 10:00:00 GMT"  // 1_800_000_000 is 2027-01-15T08:00:00Z
        #expect(Schedule.retryAfterSeconds(date, now: now) == 7200)
        #expect(Schedule.retryAfterSeconds("soon", now: now) == nil)
    }
}
