// TypeScript declarations of the dncontent app contract, schema version 2.0.0.
// Written by `dncontent build` from schema.json and index.schema.json beside this file; each
// type is named after its schema title. Objects accept properties a later 2.x version adds.

/**
 * dncontent export
 *
 * Version 2 of the contract for one locale of the patient material, as built into build/json/ by `dncontent
 * build --format json`. Every 2.x export validates against it: a minor version only adds optional properties,
 * which this schema lets through. Ignore properties you do not know. Strings are plain text (no HTML): escape
 * them for the medium you show them in.
 */
export interface DncontentExport {
  /**
   * Schema
   *
   * The schema this document follows: schema.json, the published schema shipped beside it in build/json/.
   * Validators that read `$schema` from the document find it there.
   */
  $schema: string;
  /**
   * Schema version
   *
   * Semantic version of this export format: a minor version adds optional fields, a major version breaks the
   * contract.
   */
  schema_version: string;
  /**
   * Document id
   *
   * The document's stable id, the same in every locale and across builds; every output of the build is named
   * after it (json/<id>.<locale>.json, html/<locale>/<id>.html, pdf/<id>.<locale>.<paper>.pdf).
   */
  id: string;
  /**
   * Revision
   *
   * A hash of this export's content: 'sha256:' and the hex SHA-256 of its canonical JSON (keys sorted, no
   * spaces, UTF-8) without `revision` itself. The same content gives the same revision in every build; any
   * change to any value here changes it. Use it to cache and to detect change. It is not a review date: `review`
   * says whether and when a clinician signed the text off; `revision` changes with any change, reviewed or not.
   */
  revision: string;
  /**
   * Locale
   *
   * BCP 47 language tag of the text, e.g. en, es-419, pt-BR or zh-Hant, written in its conventional case.
   * dncontent checks every tag against CLDR with Babel; the pattern only checks its shape.
   */
  locale: string;
  /**
   * Text direction
   *
   * ltr or rtl: the direction the locale's text is written in, for the `dir` of whatever shows it.
   */
  direction: "ltr" | "rtl";
  /**
   * Title
   *
   * Page title.
   */
  title: string;
  /**
   * Topic
   *
   * The therapy the material is about, as patients name it.
   */
  topic: string;
  /**
   * Page URL
   *
   * The page's canonical public address, or null when the content gives none (page.yaml's url, or brand.yaml's
   * site.base_url plus the page's build path).
   */
  url: string | null;
  /**
   * Review
   *
   * Clinical review, from the clinician's recorded sign-off (`dncontent signoff`) and nothing else. A draft (no
   * sign-off, or content changed since it) has null dates and reviewer.
   */
  review: Review;
  /**
   * Source
   *
   * Where the text comes from: a record of its origin, not a review.
   */
  source: Source;
  /**
   * Brand
   *
   * The clinic.
   */
  brand: Brand;
  /**
   * Facts
   *
   * Values to show or compute with.
   */
  facts: Facts;
  /**
   * Labels
   *
   * The wording an app shows around the content, filled in, in the locale's language.
   */
  labels: Labels;
  /**
   * Sections
   *
   * Prose sections in reading order.
   */
  sections: [Section, ...Section[]];
  /**
   * Conditions
   *
   * Conditions the therapy can help with.
   */
  conditions: ListItem[];
  /**
   * Risks
   *
   * Risks and side effects.
   */
  risks: ListItem[];
  /**
   * Contraindications
   *
   * When to avoid or be cautious.
   */
  contraindications: Contraindication[];
  /**
   * Session phases
   *
   * Before, during, after, results.
   */
  session_phases: Phase[];
  /**
   * Calls to action
   *
   * Links patients act on, URLs resolved. There is always one whose role is booking: the call to action that
   * books an appointment.
   */
  cta: [CallToAction, ...CallToAction[]];
  /**
   * Brochures
   *
   * The printable brochures of this locale, one per paper size. The build writes them when it builds the pdf
   * format (a full build does).
   */
  brochures: Brochure[];
  /**
   * Alternates
   *
   * The same material in every language the build has, this one included, the source language first: for a 'Read
   * in Spanish' link. Paths are relative to this file.
   */
  alternates: Alternate[];
  [k: string]: unknown;
}

/**
 * Review
 *
 * Clinical review, from the clinician's recorded sign-off (`dncontent signoff`) and nothing else. A draft (no
 * sign-off, or content changed since it) has null dates and reviewer.
 */
export interface Review {
  /**
   * Review status
   *
   * approved: a clinician's recorded sign-off covers this locale as it is (its text, facts, links and names).
   * draft: none does, yet or any longer (new text, a change since the sign-off, a new translation); show it with
   * `labels.draft_notice`, or not at all.
   */
  status: "draft" | "approved";
  /**
   * Last reviewed
   *
   * Date of the sign-off, YYYY-MM-DD; null for a draft.
   */
  last_reviewed: string | null;
  /**
   * Next review
   *
   * Date the next review is due, YYYY-MM-DD; null for a draft.
   */
  next_review: string | null;
  /**
   * Reviewed by
   *
   * The clinician who signed the text off; null for a draft.
   */
  reviewed_by: string | null;
  [k: string]: unknown;
}

/**
 * Source
 *
 * Where the text comes from: a record of its origin, not a review.
 */
export interface Source {
  /**
   * Title
   *
   * Source title.
   */
  title: string;
  /**
   * Publisher
   *
   * Source publisher.
   */
  publisher: string;
  /**
   * URL
   *
   * Source address, or null.
   */
  url: string | null;
  /**
   * Captured
   *
   * Date the text was taken from the source (page.yaml's source.captured), YYYY-MM-DD, or null. It dates the
   * copy, not a review.
   */
  captured: string | null;
  /**
   * Note
   *
   * Note, or null.
   */
  note: string | null;
  [k: string]: unknown;
}

/**
 * Brand
 *
 * The clinic.
 */
export interface Brand {
  /**
   * Name
   *
   * Clinic name.
   */
  name: string;
  /**
   * Links
   *
   * The clinic's addresses by id, as this locale resolves them: the shared links with this locale's own in their
   * place (its booking page, say), and `phone`, a tel: link to the clinic's phone number, when it has one.
   */
  links: Link[];
  /**
   * Phone
   *
   * The clinic's phone number formatted for people, as print shows it, e.g. (212) 555-0123; or null. The `phone`
   * link dials it.
   */
  phone: string | null;
  /**
   * Email
   *
   * Email address, or null.
   */
  email: string | null;
  /**
   * Colours
   *
   * Brand colours as #rrggbb.
   */
  colors: Colours;
  /**
   * Logo
   *
   * The clinic's logo, copied beside the export, or null without one.
   */
  logo: LogoFile | null;
  [k: string]: unknown;
}

/**
 * Link
 *
 * A named address.
 */
export interface Link {
  /**
   * Id
   *
   * Link id, e.g. booking.
   */
  id: string;
  /**
   * URL
   *
   * Absolute https:// address, or a tel: or mailto: link.
   */
  url: string;
  [k: string]: unknown;
}

/**
 * Colours
 *
 * Brand colours as #rrggbb.
 */
export interface Colours {
  /**
   * primary
   *
   * Colour #rrggbb.
   */
  primary: string;
  /**
   * on_primary
   *
   * Colour #rrggbb.
   */
  on_primary: string;
  /**
   * accent
   *
   * Colour #rrggbb.
   */
  accent: string;
  /**
   * text
   *
   * Colour #rrggbb.
   */
  text: string;
  /**
   * muted
   *
   * Colour #rrggbb.
   */
  muted: string;
  /**
   * background
   *
   * Colour #rrggbb.
   */
  background: string;
  /**
   * surface
   *
   * Colour #rrggbb.
   */
  surface: string;
  [k: string]: unknown;
}

/**
 * Logo file
 *
 * Where the logo is and what it is.
 */
export interface LogoFile {
  /**
   * Path
   *
   * The logo file relative to this export, e.g. assets/logo.svg.
   */
  path: string;
  /**
   * URL
   *
   * The logo's public address, or null when the content does not say where the build is published.
   */
  url: string | null;
  /**
   * Media type
   *
   * image/svg+xml or image/png.
   */
  media_type: "image/svg+xml" | "image/png";
  [k: string]: unknown;
}

/**
 * Facts
 *
 * Values to show or compute with.
 */
export interface Facts {
  /**
   * Session length
   *
   * Typical session length in minutes.
   */
  session_minutes: SessionLength;
  [k: string]: unknown;
}

/**
 * Session length
 *
 * Typical session length in minutes.
 */
export interface SessionLength {
  /**
   * Minimum
   *
   * Minutes.
   */
  min: number;
  /**
   * Maximum
   *
   * Minutes.
   */
  max: number;
  [k: string]: unknown;
}

/**
 * Labels
 *
 * The wording an app shows around the content, filled in, in the locale's language.
 */
export interface Labels {
  /**
   * List titles
   *
   * A title for each list, keyed by the list's name: the names `section.list` takes, so
   * labels.lists[section.list] titles a section's list.
   */
  lists: ListTitles;
  /**
   * Session length
   *
   * The typical session length as a phrase, e.g. 'A typical session: 15–30 minutes'.
   */
  session_length: string;
  /**
   * Last reviewed
   *
   * When a clinician signed the text off, as a phrase, e.g. 'Last reviewed November 20, 2026'; null for a draft.
   */
  last_reviewed: string | null;
  /**
   * Next review
   *
   * When the next review is due, as a phrase; null for a draft.
   */
  next_review: string | null;
  /**
   * Reviewed by
   *
   * Who signed the text off, as a phrase, e.g. 'Reviewed by Dana Ruiz, PT, DPT'; null for a draft.
   */
  reviewed_by: string | null;
  /**
   * Draft notice
   *
   * The notice to show with a draft (review.status draft), or null when the text is approved.
   */
  draft_notice: string | null;
  [k: string]: unknown;
}

/**
 * List titles
 *
 * A title for each list, keyed by the list's name: the names `section.list` takes, so labels.lists[section.list]
 * titles a section's list.
 */
export interface ListTitles {
  /**
   * Conditions title
   *
   * The title to show above `conditions`, or null: the section heading that introduces it, or (for risks and
   * contraindications) the callout title.
   */
  conditions: string | null;
  /**
   * Risks title
   *
   * The title to show above `risks`, or null: the section heading that introduces it, or (for risks and
   * contraindications) the callout title.
   */
  risks: string | null;
  /**
   * Contraindications title
   *
   * The title to show above `contraindications`, or null: the section heading that introduces it, or (for risks
   * and contraindications) the callout title.
   */
  contraindications: string | null;
  /**
   * Session phases title
   *
   * The title to show above `session_phases`, or null: the section heading that introduces it, or (for risks and
   * contraindications) the callout title.
   */
  session_phases: string | null;
  [k: string]: unknown;
}

/**
 * Section
 *
 * A section: heading, paragraphs, then the named list, closing paragraphs and calls to action.
 */
export interface Section {
  /**
   * Id
   *
   * Section id, e.g. risks.
   */
  id: string;
  /**
   * Heading
   *
   * Heading, or null when the section continues the previous one.
   */
  heading: string | null;
  /**
   * Paragraphs
   *
   * Paragraphs before the list.
   */
  paragraphs: string[];
  /**
   * List
   *
   * The name of the top-level list to show after the paragraphs (conditions, risks, contraindications or
   * session_phases: a key of this document), or null. Its title is labels.lists[list].
   */
  list: "conditions" | "risks" | "contraindications" | "session_phases" | null;
  /**
   * Closing
   *
   * Paragraphs after the list.
   */
  closing: string[];
  /**
   * Calls to action
   *
   * Ids of entries in the top-level `cta` array to show after the section, in order.
   */
  cta: string[];
  [k: string]: unknown;
}

/**
 * List item
 *
 * An item with a stable id and its approved wording.
 */
export interface ListItem {
  /**
   * Id
   *
   * Stable id; the same in every locale.
   */
  id: string;
  /**
   * Label
   *
   * Approved wording.
   */
  label: string;
  [k: string]: unknown;
}

/**
 * Contraindication
 *
 * A contraindication or caution.
 */
export interface Contraindication {
  /**
   * Id
   *
   * Stable id.
   */
  id: string;
  /**
   * Label
   *
   * Approved wording.
   */
  label: string;
  /**
   * Short form
   *
   * Compact wording for small screens, or null.
   */
  short: string | null;
  [k: string]: unknown;
}

/**
 * Phase
 *
 * One phase of a session.
 */
export interface Phase {
  /**
   * Id
   *
   * Phase id.
   */
  id: string;
  /**
   * Label
   *
   * Phase name.
   */
  label: string;
  /**
   * Text
   *
   * Approved description.
   */
  text: string;
  [k: string]: unknown;
}

/**
 * Call to action
 *
 * A link, with its id and what it does.
 */
export interface CallToAction {
  /**
   * Id
   *
   * Call to action id.
   */
  id: string;
  /**
   * Label
   *
   * Button text.
   */
  label: string;
  /**
   * Description
   *
   * Descriptive link text for screen readers.
   */
  description: string;
  /**
   * URL
   *
   * Absolute https:// address, or a tel: or mailto: link.
   */
  url: string;
  /**
   * Link
   *
   * The id of the link it opens (brand.links, or the locale's own address for that link), e.g. booking.
   */
  link: string;
  /**
   * Role
   *
   * What it does: booking (books an appointment), contact, website (the clinic's site), or other. From the link
   * id: booking, contact and website are themselves; a tel: or mailto: link is contact; any other link is other.
   */
  role: "booking" | "contact" | "website" | "other";
  [k: string]: unknown;
}

/**
 * Brochure
 *
 * One brochure PDF.
 */
export interface Brochure {
  /**
   * Paper
   *
   * letter (US Letter) or a4.
   */
  paper: "letter" | "a4";
  /**
   * Path
   *
   * The PDF relative to this export, e.g. ../pdf/<id>.en.letter.pdf.
   */
  path: string;
  /**
   * URL
   *
   * The PDF's public address, or null when the content does not say where the build is published.
   */
  url: string | null;
  [k: string]: unknown;
}

/**
 * Alternate
 *
 * One language's export.
 */
export interface Alternate {
  /**
   * Locale
   *
   * BCP 47 tag of the alternate.
   */
  locale: string;
  /**
   * Path
   *
   * Relative to this export, e.g. <id>.es.json.
   */
  path: string;
  /**
   * Translated from
   *
   * The locale this one was translated from, or null for the source language.
   */
  translated_from: string | null;
  [k: string]: unknown;
}

/**
 * dncontent index
 *
 * Version 2 of build/json/index.json, where an app starts: every locale's export of the document, the source
 * language first. Every 2.x index validates against it; ignore properties you do not know. Each entry's `path`
 * is an export's file name, relative to the index; the export follows schema.json, shipped beside it.
 */
export interface DncontentIndex {
  /**
   * Schema
   *
   * The schema this document follows: index.schema.json, shipped beside it in build/json/.
   */
  $schema: string;
  /**
   * Schema version
   *
   * Semantic version of this export format: a minor version adds optional fields, a major version breaks the
   * contract.
   */
  schema_version: string;
  /**
   * Document id
   *
   * The document's stable id, the same in every locale and across builds; every output of the build is named
   * after it (json/<id>.<locale>.json, html/<locale>/<id>.html, pdf/<id>.<locale>.<paper>.pdf).
   */
  id: string;
  /**
   * Source locale
   *
   * The locale every other locale is translated from.
   */
  source_locale: string;
  /**
   * Exports
   *
   * One entry per locale's export, the source language first.
   */
  exports: [IndexEntry, ...IndexEntry[]];
  [k: string]: unknown;
}

/**
 * Index entry
 *
 * One locale's export: where it is, what it holds and whether it changed.
 */
export interface IndexEntry {
  /**
   * Locale
   *
   * BCP 47 language tag of the text, e.g. en, es-419, pt-BR or zh-Hant, written in its conventional case.
   * dncontent checks every tag against CLDR with Babel; the pattern only checks its shape.
   */
  locale: string;
  /**
   * Export path
   *
   * The export's file name, relative to index.json: <id>.<locale>.json.
   */
  path: string;
  /**
   * SHA-256
   *
   * Hex SHA-256 of the export file's bytes.
   */
  sha256: string;
  /**
   * Revision
   *
   * A hash of this export's content: 'sha256:' and the hex SHA-256 of its canonical JSON (keys sorted, no
   * spaces, UTF-8) without `revision` itself. The same content gives the same revision in every build; any
   * change to any value here changes it. Use it to cache and to detect change. It is not a review date: `review`
   * says whether and when a clinician signed the text off; `revision` changes with any change, reviewed or not.
   */
  revision: string;
  /**
   * Title
   *
   * Page title.
   */
  title: string;
  /**
   * Index review
   *
   * The export's review status and dates, as in its own `review` (from the clinician's recorded sign-off; the
   * dates are null for a draft).
   */
  review: IndexReview;
  /**
   * Schema version
   *
   * Semantic version of this export format: a minor version adds optional fields, a major version breaks the
   * contract.
   */
  schema_version: string;
  /**
   * Translated from
   *
   * The locale this one is translated from, or null for the source locale.
   */
  translated_from: string | null;
  [k: string]: unknown;
}

/**
 * Index review
 *
 * The export's review status and dates, as in its own `review` (from the clinician's recorded sign-off; the
 * dates are null for a draft).
 */
export interface IndexReview {
  /**
   * Review status
   *
   * approved: a clinician's recorded sign-off covers this locale as it is (its text, facts, links and names).
   * draft: none does, yet or any longer (new text, a change since the sign-off, a new translation); show it with
   * `labels.draft_notice`, or not at all.
   */
  status: "draft" | "approved";
  /**
   * Last reviewed
   *
   * Date of the sign-off, YYYY-MM-DD; null for a draft.
   */
  last_reviewed: string | null;
  /**
   * Next review
   *
   * Date the next review is due, YYYY-MM-DD; null for a draft.
   */
  next_review: string | null;
  [k: string]: unknown;
}
