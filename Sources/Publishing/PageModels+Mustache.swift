import Mustache

// Template lookups by name, without reflection: swift-mustache finds a value through Mirror
// otherwise, which costs most of the rendering time of a large site. Keep in step with
// PageModels.swift (PageModelLookupTests checks every property is reachable).

extension SiteView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "description": return description
        case "baseURL": return baseURL
        case "language": return language
        case "atomURL": return atomURL
        case "jsonFeedURL": return jsonFeedURL
        case "generatedAt": return generatedAt
        case "generatedAtHuman": return generatedAtHuman
        default: return nil
        }
    }
}

extension PageFrame: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "site": return site
        case "t": return t
        case "rootPath": return rootPath
        case "pageURL": return pageURL
        default: return nil
        }
    }
}

extension ItemView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "fingerprint": return fingerprint
        case "entryID": return entryID
        case "path": return path
        case "url": return url
        case "title": return title
        case "link": return link
        case "sourceID": return sourceID
        case "sourcePath": return sourcePath
        case "sourceTitle": return sourceTitle
        case "dateISO": return dateISO
        case "dateHuman": return dateHuman
        case "dayKey": return dayKey
        case "dayHuman": return dayHuman
        case "updatedISO": return updatedISO
        case "authors": return authors
        case "summaryHTML": return summaryHTML
        case "summaryText": return summaryText
        case "health": return health
        case "score": return score
        case "tags": return tags
        case "hasTags": return hasTags
        case "cves": return cves
        case "hasCVEs": return hasCVEs
        case "knownExploited": return knownExploited
        case "cvss": return cvss
        case "language": return language
        case "alsoReportedBy": return alsoReportedBy
        case "hasMentions": return hasMentions
        case "advisory": return advisory
        case "pinned": return pinned
        case "editorNoteHTML": return editorNoteHTML
        default: return nil
        }
    }
}

extension AdvisoryView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "trackingID": return trackingID
        case "version": return version
        case "initialHuman": return initialHuman
        case "currentHuman": return currentHuman
        case "verificationState": return verificationState
        case "verificationDetail": return verificationDetail
        case "products": return products
        case "hasProducts": return hasProducts
        case "moreProducts": return moreProducts > 0 ? moreProducts : nil
        case "risks": return risks
        case "hasRisks": return hasRisks
        case "remediations": return remediations
        case "hasRemediations": return hasRemediations
        case "sectors": return sectors
        case "requiredAction": return requiredAction
        default: return nil
        }
    }
}

extension MentionView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "sourceTitle": return sourceTitle
        case "title": return title
        case "link": return link
        case "hasLink": return hasLink
        default: return nil
        }
    }
}

extension CVEView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": return id
        case "knownExploited": return knownExploited
        case "since": return since
        case "due": return due
        case "epss": return epss
        default: return nil
        }
    }
}

extension TagView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": return id
        case "label": return label
        case "group": return group
        case "groupLabel": return groupLabel
        case "evidence": return evidence
        case "path": return path
        default: return nil
        }
    }
}

extension DayView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "dateISO": return dateISO
        case "dateHuman": return dateHuman
        case "items": return items
        default: return nil
        }
    }
}

extension ThemeView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": return id
        case "title": return title
        case "items": return items
        default: return nil
        }
    }
}

extension EditionLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "dateISO": return dateISO
        case "dateHuman": return dateHuman
        case "path": return path
        case "count": return count
        default: return nil
        }
    }
}

extension EditionPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "frame": return frame
        case "dateISO": return dateISO
        case "dateHuman": return dateHuman
        case "isHome": return isHome
        case "itemCount": return itemCount
        case "themes": return themes
        case "isEmpty": return isEmpty
        case "previousEditions": return previousEditions
        case "hasPreviousEditions": return hasPreviousEditions
        default: return nil
        }
    }
}

extension ItemPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "frame": return frame
        case "item": return item
        default: return nil
        }
    }
}

extension PageLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": return number
        case "path": return path
        case "isCurrent": return isCurrent
        default: return nil
        }
    }
}

extension ListingPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "frame": return frame
        case "title": return title
        case "lead": return lead
        case "feedURL": return feedURL
        case "items": return items
        case "pages": return pages
        case "hasPages": return hasPages
        case "previousPath": return previousPath
        case "nextPath": return nextPath
        case "pageNumber": return pageNumber
        default: return nil
        }
    }
}

extension IndexEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "path": return path
        case "count": return count
        case "detail": return detail
        default: return nil
        }
    }
}

extension IndexGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "entries": return entries
        default: return nil
        }
    }
}

extension IndexPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "frame": return frame
        case "title": return title
        case "lead": return lead
        case "groups": return groups
        default: return nil
        }
    }
}

extension StaticPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "frame": return frame
        default: return nil
        }
    }
}

extension AtomFeedPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "site": return site
        case "feedID": return feedID
        case "title": return title
        case "selfURL": return selfURL
        case "alternateURL": return alternateURL
        case "updated": return updated
        case "items": return items
        default: return nil
        }
    }
}

extension EditionEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "entryID": return entryID
        case "url": return url
        case "title": return title
        case "dateISO": return dateISO
        case "summary": return summary
        default: return nil
        }
    }
}

extension EditionsFeedPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "site": return site
        case "feedID": return feedID
        case "title": return title
        case "selfURL": return selfURL
        case "updated": return updated
        case "editions": return editions
        default: return nil
        }
    }
}
