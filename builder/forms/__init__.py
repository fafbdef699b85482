"""Form definitions at design time: drafts, the publish preview, atomic publish, versions."""
