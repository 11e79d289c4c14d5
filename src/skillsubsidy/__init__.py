"""skillsubsidy: machine-readable catalogs and executable subsidy rules."""
