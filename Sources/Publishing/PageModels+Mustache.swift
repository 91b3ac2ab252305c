// Template lookups by name, typed: rendering finds every value without reflection or a dynamic
// cast. Keep in step with PageModels.swift (PageModelLookupTests checks every property is
// reachable).

extension SiteView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .title?: return .from(title)
        case .description?: return .from(description)
        case .baseURL?: return .from(baseURL)
        case .language?: return .from(language)
        case .atomURL?: return .from(atomURL)
        case .jsonFeedURL?: return .from(jsonFeedURL)
        case .generatedAt?: return .from(generatedAt)
        case .generatedAtHuman?: return .from(generatedAtHuman)
        case .alerts?: return .from(alerts)
        case .hasAlerts?: return .from(!alerts.isEmpty)
        case .operator?: return .from(`operator`)
        case .contactHref?: return .from(contactHref)
        case .contactLabel?: return .from(contactLabel)
        case .logo?: return .from(logo)
        case .accessibility?: return .from(accessibility)
        default: return nil
        }
    }
}

extension AlertBannerView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .title?: return .from(title)
        case .severity?: return .from(severity)
        case .severityID?: return .from(severityID)
        case .path?: return .from(path)
        case .products?: return .from(products.isEmpty ? nil : products)
        case .requiredAction?: return .from(requiredAction)
        default: return nil
        }
    }
}

extension PageFrame: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .site?: return .from(site)
        case .t?: return .from(t)
        case .rootPath?: return .from(rootPath)
        case .pageURL?: return .from(pageURL)
        default: return nil
        }
    }
}

extension ItemView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .fingerprint?: return .from(fingerprint)
        case .entryID?: return .from(entryID)
        case .path?: return .from(path)
        case .url?: return .from(url)
        case .title?: return .from(title)
        case .link?: return .from(link)
        case .sourceID?: return .from(sourceID)
        case .sourcePath?: return .from(sourcePath)
        case .sourceTitle?: return .from(sourceTitle)
        case .dateISO?: return .from(dateISO)
        case .dateHuman?: return .from(dateHuman)
        case .dayKey?: return .from(dayKey)
        case .dayHuman?: return .from(dayHuman)
        case .updatedISO?: return .from(updatedISO)
        case .authors?: return .from(authors)
        case .summaryHTML?: return .from(summaryHTML)
        case .summaryText?: return .from(summaryText)
        case .health?: return .from(health)
        case .score?: return .from(score)
        case .healthReason?: return .from(healthReason)
        case .productLinks?: return .from(productLinks)
        case .hasProductLinks?: return .from(!productLinks.isEmpty)
        case .tags?: return .from(tags)
        case .hasTags?: return .from(hasTags)
        case .cves?: return .from(cves)
        case .hasCVEs?: return .from(hasCVEs)
        case .knownExploited?: return .from(knownExploited)
        case .cvss?: return .from(cvss)
        case .language?: return .from(language)
        case .alsoReportedBy?: return .from(alsoReportedBy)
        case .hasMentions?: return .from(hasMentions)
        case .advisory?: return .from(advisory)
        case .pinned?: return .from(pinned)
        case .editorNoteHTML?: return .from(editorNoteHTML)
        case .urgency?: return .from(urgency)
        case .isUrgent?: return .from(isUrgent)
        case .urgencyLabel?: return .from(urgencyLabel)
        case .urgencyReasons?: return .from(urgencyReasons.map(\.explanationFR))
        case .urgencyReasonsHTML?: return .from(SitePublisher.html(urgencyReasons.map(\.explanationFR).joined(separator: " ; ")))
        case .sourceTitleHTML?: return .from(SitePublisher.html(sourceTitle))
        case .linkHTML?: return .from(link.map(SitePublisher.html))
        case .hasUrgencyReasons?: return .from(!urgencyReasons.isEmpty)
        case .exploitedWhat?: return .from(exploitedWhat)
        case .exploitedWhatHTML?: return .from(exploitedWhat.map(SitePublisher.linkingCVEs))
        case .fixText?: return .from(fixText)
        default: return nil
        }
    }
}

extension AdvisoryView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .trackingID?: return .from(trackingID)
        case .version?: return .from(version)
        case .initialHuman?: return .from(initialHuman)
        case .currentHuman?: return .from(currentHuman)
        case .verificationState?: return .from(verificationState)
        case .verificationDetail?: return .from(verificationDetail)
        case .products?: return .from(products)
        case .hasProducts?: return .from(hasProducts)
        case .vendorProducts?: return .from(vendorProducts)
        case .hasVendorProducts?: return .from(!vendorProducts.isEmpty)
        case .moreProducts?: return .from(moreProducts > 0 ? moreProducts : nil)
        case .risks?: return .from(risks)
        case .hasRisks?: return .from(hasRisks)
        case .remediations?: return .from(remediations)
        case .hasRemediations?: return .from(hasRemediations)
        case .sectors?: return .from(sectors)
        case .requiredAction?: return .from(requiredAction)
        default: return nil
        }
    }
}

extension MentionView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .sourceTitle?: return .from(sourceTitle)
        case .title?: return .from(title)
        case .link?: return .from(link)
        case .hasLink?: return .from(hasLink)
        default: return nil
        }
    }
}

extension CVEView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .id?: return .from(id)
        case .knownExploited?: return .from(knownExploited)
        case .since?: return .from(since)
        case .due?: return .from(due)
        case .epss?: return .from(epss)
        case .recordURL?: return .from(recordURL)
        case .certFR?: return .from(certFR)
        case .certFRURL?: return .from(certFRURL)
        case .path?: return .from(path)
        default: return nil
        }
    }
}

extension TagView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .id?: return .from(id)
        case .label?: return .from(label)
        case .group?: return .from(group)
        case .groupLabel?: return .from(groupLabel)
        case .evidence?: return .from(evidence)
        case .path?: return .from(path)
        default: return nil
        }
    }
}

extension DayView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .dateISO?: return .from(dateISO)
        case .dateHuman?: return .from(dateHuman)
        case .items?: return .from(items)
        default: return nil
        }
    }
}

extension ThemeView: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .id?: return .from(id)
        case .title?: return .from(title)
        case .items?: return .from(items)
        default: return nil
        }
    }
}

extension EditionLink: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .dateISO?: return .from(dateISO)
        case .dateHuman?: return .from(dateHuman)
        case .path?: return .from(path)
        case .count?: return .from(count)
        default: return nil
        }
    }
}

extension EditionPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .frame?: return .from(frame)
        case .dateISO?: return .from(dateISO)
        case .dateHuman?: return .from(dateHuman)
        case .isHome?: return .from(isHome)
        case .itemCount?: return .from(itemCount)
        case .itemCountText?: return .from(itemCountText)
        case .themes?: return .from(themes)
        case .isEmpty?: return .from(isEmpty)
        case .previousEditions?: return .from(previousEditions)
        case .hasPreviousEditions?: return .from(hasPreviousEditions)
        case .priority?: return .from(priority)
        case .hasPriority?: return .from(isHome && (!priority.isEmpty || !frame.site.alerts.isEmpty))
        case .priorityFeedURL?: return .from(frame.site.baseURL + "urgent/atom.xml")
        default: return nil
        }
    }
}

extension ItemPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .frame?: return .from(frame)
        case .item?: return .from(item)
        default: return nil
        }
    }
}

extension PageLink: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .number?: return .from(number)
        case .path?: return .from(path)
        case .isCurrent?: return .from(isCurrent)
        case .isGap?: return .from(isGap)
        case .isNewest?: return .from(isNewest)
        default: return nil
        }
    }
}

extension ListingPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .frame?: return .from(frame)
        case .title?: return .from(title)
        case .lead?: return .from(lead)
        case .feedURL?: return .from(feedURL)
        case .items?: return .from(items)
        case .pages?: return .from(pages)
        case .hasPages?: return .from(hasPages)
        case .previousPath?: return .from(previousPath)
        case .nextPath?: return .from(nextPath)
        case .pageNumber?: return .from(pageNumber)
        case .isArchivedPage?: return .from(isArchivedPage)
        default: return nil
        }
    }
}

extension IndexEntry: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .title?: return .from(title)
        case .path?: return .from(path)
        case .count?: return .from(count)
        case .countText?: return .from(countText)
        case .detail?: return .from(detail)
        default: return nil
        }
    }
}

extension IndexGroup: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .title?: return .from(title)
        case .entries?: return .from(entries)
        default: return nil
        }
    }
}

extension IndexPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .frame?: return .from(frame)
        case .title?: return .from(title)
        case .lead?: return .from(lead)
        case .groups?: return .from(groups)
        default: return nil
        }
    }
}

extension StaticPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .frame?: return .from(frame)
        default: return nil
        }
    }
}

extension AtomFeedPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .site?: return .from(site)
        case .feedID?: return .from(feedID)
        case .title?: return .from(title)
        case .selfURL?: return .from(selfURL)
        case .alternateURL?: return .from(alternateURL)
        case .updated?: return .from(updated)
        case .items?: return .from(items)
        case .t?: return .from(t)
        default: return nil
        }
    }
}

extension WithdrawnPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .frame?: return .from(frame)
        case .title?: return .from(title)
        case .sourceTitle?: return .from(sourceTitle)
        case .link?: return .from(link)
        case .dateISO?: return .from(dateISO)
        case .dateHuman?: return .from(dateHuman)
        default: return nil
        }
    }
}

extension EditionEntry: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .entryID?: return .from(entryID)
        case .url?: return .from(url)
        case .title?: return .from(title)
        case .dateISO?: return .from(dateISO)
        case .summary?: return .from(summary)
        case .contentHTML?: return .from(contentHTML)
        default: return nil
        }
    }
}

extension EditionsFeedPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .site?: return .from(site)
        case .feedID?: return .from(feedID)
        case .title?: return .from(title)
        case .selfURL?: return .from(selfURL)
        case .updated?: return .from(updated)
        case .editions?: return .from(editions)
        default: return nil
        }
    }
}

extension CVEPage: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .frame?: return .from(frame)
        case .id?: return .from(id)
        case .cvss?: return .from(cvss)
        case .knownExploited?: return .from(knownExploited)
        case .since?: return .from(since)
        case .due?: return .from(due)
        case .ransomware?: return .from(ransomware)
        case .epss?: return .from(epss)
        case .recordURL?: return .from(recordURL)
        case .certFR?: return .from(certFR)
        case .certFRURL?: return .from(certFRURL)
        case .advisories?: return .from(advisories)
        case .hasAdvisories?: return .from(hasAdvisories)
        case .items?: return .from(items)
        case .itemCountText?: return .from(itemCountText)
        default: return nil
        }
    }
}

extension ProductLink: TemplateObject {
    func value(named name: TemplateName) -> TemplateValue? {
        switch name.key {
        case .title?: return .from(title)
        case .path?: return .from(path)
        case .evidence?: return .from(evidence)
        default: return nil
        }
    }
}
