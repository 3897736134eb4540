"""Attribution extraction: a spaCy component (`quote_attributions`) and the engine that runs it."""
