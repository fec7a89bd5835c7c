# %% [markdown]
# # 2. Trends per level: which model do we trust?
#
# A probability of "40% in 2020" is only as good as the model behind it. This notebook fits the
# candidate trend models to the national headline series, checks their residuals, and scores
# them in a rolling-origin backtest: each model is refitted on the data up to a cutoff year and
# judged on the years after it, exactly as if it had been used at that time.

# %% tags=["parameters"]
STUDY = None  # the study settings file (None: data/study.yml)
CHANGES = {}  # settings to change, e.g. {"n_paths": 500}
REGION = "NL"
FAN_LEVELS = ["havo", "mbo", "wo"]
FAN_MODELS = ["auto", "drift"]
HORIZONS = [3, 4, 5]

# %%
import pandas as pd

import tpforecast as tp
import tpforecast.report as rp
from tpforecast.data.loaders import select_series
from tpforecast.forecasting import default_model_evidence, model_diagnostics
from tpforecast.models import DEFAULT_MODEL, model_table

rp.warnings_as_lines()  # series a function leaves out: one line each
pd.set_option("display.width", 120)
study = tp.load_study(STUDY).replace(**CHANGES)
series = tp.load_series()
headline = tp.drop_short_series(tp.headline_series(series, region=REGION))
print(rp.short_series_text(tp.headline_series(series, region=REGION)))

# %% [markdown]
# ## The models
#
# All work on the logit of the share (so forecasts stay between 0 and 100%) except `linear`.

# %%
model_table()

# %% [markdown]
# ## Fan charts for three levels
#
# The default model (`auto`: a local level, i.e. random walk plus noise, where a series has at
# least 5 points; a plain random walk below that) next to a trend model (`drift`: random walk
# with drift), fitted on all data up to the latest year.

# %%
fan = tp.headline_series(series, levels=FAN_LEVELS, region=REGION)
fc = tp.forecast(fan, models=FAN_MODELS, until=study.until, seed=study.seed,
                 n_paths=study.n_paths)
fc.loc[fc["year"] == study.until, ["level", "model", "median", "lo_80", "hi_80"]].round(3)

# %%
fig = tp.plot_forecast_panels(fan, fc, target=study.target,
                              title="Forecasts of the share choosing technique, the Netherlands")
rp.show(fig)

# %% [markdown]
# The two models tell different stories. The drift model extrapolates the average past change;
# the local level model says the best guess for next year is about this year's level, with an
# uncertainty that grows with the horizon. Which is right is an empirical question.
#
# ## Residual checks of the default model
#
# One-step-ahead forecast errors (fit on the data up to a year, forecast the next published
# year). A good model has errors that average about zero, are not autocorrelated (Ljung-Box p
# not small) and fall inside the 80% interval about 80% of the time. With 8-13 points per
# series (5-10 one-step errors each) these checks have little power; they flag gross problems
# only. None shows up in the table: pooled errors average about zero (printed below).

# %%
diag = model_diagnostics(headline, models=DEFAULT_MODEL)
diag[["level", "n_obs", "n_errors", "mean_error_pp", "mae_pp", "acf1", "ljung_box_p",
      "coverage_80", "coverage_95"]].round(2)

# %%
print(rp.diagnostics_text(diag))

# %% [markdown]
# ## Backtest: accuracy and calibration by model and horizon
#
# Expanding-window backtest over all national series (the headline and the other published
# national series with at least 6 points before a cutoff). MAE in percentage points; MASE
# scales each error by the series' typical one-year change, so values above 1 at long horizons
# are normal; what matters is the comparison with `naive` (no change). Coverage is the share of
# held-out values inside the 80% / 95% intervals.

# %%
national = tp.drop_short_series(select_series(series, regions=[REGION], with_share=False))
bt = tp.backtest(national, horizons=range(1, 7), min_train=6, seed=study.seed,
                 n_paths=study.n_paths, progress=False)
sc = tp.score(bt)
table = sc.loc[sc["horizon"].isin([1, 3, 5])]
table[["model", "horizon", "n", "mae_pp", "mase", "coverage_80", "coverage_95"]].round(2)

# %% [markdown]
# ## Which model is trusted, and why
#
# The bar for a default: a lower MASE than `naive` pooled over horizons 3-5, and 80% intervals
# that cover between 70% and 90% of held-out values.

# %%
ev = default_model_evidence(series, horizons=HORIZONS, region=REGION, backtest_frame=bt)
ev[["model", "n", "n_series", "mae_pp", "mase", "rel_mae", "coverage_80", "coverage_95",
    "winkler_80", "beats_naive", "coverage_ok", "is_default"]].round(3)

# %%
print(rp.evidence_text(ev, default=DEFAULT_MODEL, horizons=HORIZONS))

# %% [markdown]
# ## What this means
#
# On these series *no model beats "no change"* three to five years ahead, so the bar set for
# a default is not met, and we say so rather than tune on the hindcast years. Every trend model
# (drift, linear, logit-linear, damped, local linear trend, the ensemble) does worse, two to
# three times the naive error (`rel_mae` above; damped could only be scored on the 7 series
# long enough for it): the shares grew until about 2014/15 and then flattened or fell, so a
# trend fitted to the growth years overshoots the plateau. The default model, `auto` (a local
# level: random walk plus noise; naive for series with fewer than 5 points), ties naive on
# point accuracy because its best guess is also "about the current level", but its intervals
# are better calibrated: its 80% intervals contained just under 90% of the held-out values,
# inside the 70-90% band, while naive's are too wide and the trend models' far too narrow (the
# `coverage_80` column above).
#
# So the numbers in the next notebooks answer "where would the share be if nothing changes
# structurally, and how sure can we be" - not "where does the trend lead". A 40% goal that needs
# a clear upward trend will get a low probability from this model; the scenario notebook shows
# what acceleration would have been needed instead. Series with only 3-4 values (hbo, wo, mbo
# and vmbo as seen from 2016) get the plain random walk, whose intervals are wider.
