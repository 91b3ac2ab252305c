// Template lookups by name, typed: rendering finds every value without reflection or a dynamic
// cast. Keep in step with PageModels.swift (PageModelLookupTests checks every property is
// reachable).

extension SiteView: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "title": return .from(title)
        case "description": return .from(description)
        case "baseURL": return .from(baseURL)
        case "language": return .from(language)
        case "atomURL": return .from(atomURL)
        case "jsonFeedURL": return .from(jsonFeedURL)
        case "generatedAt": return .from(generatedAt)
        case "generatedAtHuman": return .from(generatedAtHuman)
        default: return nil
        }
    }
}

extension PageFrame: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "site": return .from(site)
        case "t": return .from(t)
        case "rootPath": return .from(rootPath)
        case "pageURL": return .from(pageURL)
        default: return nil
        }
    }
}

extension ItemView: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        Self.values[name].flatMap { $0(self) }
    }

    /// By name, found with one hash rather than up to thirty comparisons: every name a card asks
    /// of the page around it (`frame.rootPath`) is first looked for in its item, and a site has
    /// items by the hundred thousand.
    private static let values: [String: @Sendable (ItemView) -> TemplateValue?] = {
        var values: [String: @Sendable (ItemView) -> TemplateValue?] = [:]
        values["fingerprint"] = { .from($0.fingerprint) }
        values["entryID"] = { .from($0.entryID) }
        values["path"] = { .from($0.path) }
        values["url"] = { .from($0.url) }
        values["title"] = { .from($0.title) }
        values["link"] = { .from($0.link) }
        values["sourceID"] = { .from($0.sourceID) }
        values["sourcePath"] = { .from($0.sourcePath) }
        values["sourceTitle"] = { .from($0.sourceTitle) }
        values["dateISO"] = { .from($0.dateISO) }
        values["dateHuman"] = { .from($0.dateHuman) }
        values["dayKey"] = { .from($0.dayKey) }
        values["dayHuman"] = { .from($0.dayHuman) }
        values["updatedISO"] = { .from($0.updatedISO) }
        values["authors"] = { .from($0.authors) }
        values["summaryHTML"] = { .from($0.summaryHTML) }
        values["summaryText"] = { .from($0.summaryText) }
        values["health"] = { .from($0.health) }
        values["score"] = { .from($0.score) }
        values["tags"] = { .from($0.tags) }
        values["hasTags"] = { .from($0.hasTags) }
        values["cves"] = { .from($0.cves) }
        values["hasCVEs"] = { .from($0.hasCVEs) }
        values["knownExploited"] = { .from($0.knownExploited) }
        values["cvss"] = { .from($0.cvss) }
        values["language"] = { .from($0.language) }
        values["alsoReportedBy"] = { .from($0.alsoReportedBy) }
        values["hasMentions"] = { .from($0.hasMentions) }
        values["advisory"] = { .from($0.advisory) }
        values["pinned"] = { .from($0.pinned) }
        values["editorNoteHTML"] = { .from($0.editorNoteHTML) }
        return values
    }()
}

extension AdvisoryView: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "trackingID": return .from(trackingID)
        case "version": return .from(version)
        case "initialHuman": return .from(initialHuman)
        case "currentHuman": return .from(currentHuman)
        case "verificationState": return .from(verificationState)
        case "verificationDetail": return .from(verificationDetail)
        case "products": return .from(products)
        case "hasProducts": return .from(hasProducts)
        case "moreProducts": return .from(moreProducts > 0 ? moreProducts : nil)
        case "risks": return .from(risks)
        case "hasRisks": return .from(hasRisks)
        case "remediations": return .from(remediations)
        case "hasRemediations": return .from(hasRemediations)
        case "sectors": return .from(sectors)
        case "requiredAction": return .from(requiredAction)
        default: return nil
        }
    }
}

extension MentionView: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "sourceTitle": return .from(sourceTitle)
        case "title": return .from(title)
        case "link": return .from(link)
        case "hasLink": return .from(hasLink)
        default: return nil
        }
    }
}

extension CVEView: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "id": return .from(id)
        case "knownExploited": return .from(knownExploited)
        case "since": return .from(since)
        case "due": return .from(due)
        case "epss": return .from(epss)
        default: return nil
        }
    }
}

extension TagView: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "id": return .from(id)
        case "label": return .from(label)
        case "group": return .from(group)
        case "groupLabel": return .from(groupLabel)
        case "evidence": return .from(evidence)
        case "path": return .from(path)
        default: return nil
        }
    }
}

extension DayView: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "dateISO": return .from(dateISO)
        case "dateHuman": return .from(dateHuman)
        case "items": return .from(items)
        default: return nil
        }
    }
}

extension ThemeView: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "id": return .from(id)
        case "title": return .from(title)
        case "items": return .from(items)
        default: return nil
        }
    }
}

extension EditionLink: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "dateISO": return .from(dateISO)
        case "dateHuman": return .from(dateHuman)
        case "path": return .from(path)
        case "count": return .from(count)
        default: return nil
        }
    }
}

extension EditionPage: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "frame": return .from(frame)
        case "dateISO": return .from(dateISO)
        case "dateHuman": return .from(dateHuman)
        case "isHome": return .from(isHome)
        case "itemCount": return .from(itemCount)
        case "themes": return .from(themes)
        case "isEmpty": return .from(isEmpty)
        case "previousEditions": return .from(previousEditions)
        case "hasPreviousEditions": return .from(hasPreviousEditions)
        default: return nil
        }
    }
}

extension ItemPage: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "frame": return .from(frame)
        case "item": return .from(item)
        default: return nil
        }
    }
}

extension PageLink: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "number": return .from(number)
        case "path": return .from(path)
        case "isCurrent": return .from(isCurrent)
        case "isGap": return .from(isGap)
        case "isNewest": return .from(isNewest)
        default: return nil
        }
    }
}

extension ListingPage: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "frame": return .from(frame)
        case "title": return .from(title)
        case "lead": return .from(lead)
        case "feedURL": return .from(feedURL)
        case "items": return .from(items)
        case "pages": return .from(pages)
        case "hasPages": return .from(hasPages)
        case "previousPath": return .from(previousPath)
        case "nextPath": return .from(nextPath)
        case "pageNumber": return .from(pageNumber)
        case "isArchivedPage": return .from(isArchivedPage)
        default: return nil
        }
    }
}

extension IndexEntry: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "title": return .from(title)
        case "path": return .from(path)
        case "count": return .from(count)
        case "detail": return .from(detail)
        default: return nil
        }
    }
}

extension IndexGroup: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "title": return .from(title)
        case "entries": return .from(entries)
        default: return nil
        }
    }
}

extension IndexPage: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "frame": return .from(frame)
        case "title": return .from(title)
        case "lead": return .from(lead)
        case "groups": return .from(groups)
        default: return nil
        }
    }
}

extension StaticPage: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "frame": return .from(frame)
        default: return nil
        }
    }
}

extension AtomFeedPage: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "site": return .from(site)
        case "feedID": return .from(feedID)
        case "title": return .from(title)
        case "selfURL": return .from(selfURL)
        case "alternateURL": return .from(alternateURL)
        case "updated": return .from(updated)
        case "items": return .from(items)
        default: return nil
        }
    }
}

extension EditionEntry: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "entryID": return .from(entryID)
        case "url": return .from(url)
        case "title": return .from(title)
        case "dateISO": return .from(dateISO)
        case "summary": return .from(summary)
        default: return nil
        }
    }
}

extension EditionsFeedPage: TemplateObject {
    func value(named name: String) -> TemplateValue? {
        switch name {
        case "site": return .from(site)
        case "feedID": return .from(feedID)
        case "title": return .from(title)
        case "selfURL": return .from(selfURL)
        case "updated": return .from(updated)
        case "editions": return .from(editions)
        default: return nil
        }
    }
}
