"""Evidence: this package builds and renders the evidence a school hands over about its SEN support,
namely a pupil's evidence packs (for a local authority's EHC needs assessment request, a Youth
Offending Team, a parent's request for the educational record, a disclosure) and the SEN support
report for Ofsted and governors. Each is a JSON document; ``render`` lays one out as HTML and PDF."""
