"""The admission webhook component: HTTPS ``POST /validate`` over a watch-fed policy cache."""
