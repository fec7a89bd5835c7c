# %% [markdown]
# # 2. Trends per level: which model do we trust?
#
# A probability of "40% in 2020" is only as good as the model behind it, and only honest if
# its intervals hold on series the model has not seen. The default model is used on two kinds
# of series: the national monitor series (6-13 points, levelled off after 2015) and the
# regional DUO series of every province and landsdeel (5-10 points, some trending). This
# notebook scores every model on both, side by side, in rolling-origin backtests: each model
# is refitted on the data up to a cutoff year and judged on the years after it, exactly as if
# it had been used at that time.

# %% tags=["parameters"]
STUDY = None  # the study settings file (None: data/study.yml)
CHANGES = {}  # settings to change, e.g. {"n_paths": 500}
REGION = "NL"
FAN_LEVELS = ["havo", "mbo", "wo"]
FAN_MODELS = ["calibrated", "drift"]
WIDTH_LEVEL = "havo"

# %%
import pandas as pd

import tpforecast as tp
import tpforecast.report as rp
from tpforecast.forecasting import calibration_sets, model_diagnostics
from tpforecast.models import DEFAULT_MODEL, model_table
from tpforecast.paths import data_dir

rp.warnings_as_lines()  # series a function leaves out: one line each
pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 20)
study = tp.load_study(STUDY).replace(**CHANGES)
series = tp.load_series()
headline = tp.drop_short_series(tp.headline_series(series, region=REGION))
print(rp.short_series_text(tp.headline_series(series, region=REGION)))

# %% [markdown]
# ## The models
#
# All work on the logit of the share (so forecasts stay between 0 and 100%) except `linear`.
# The default, `calibrated`, forecasts the last observed share and takes the width of its
# intervals from how far such "no change" forecasts were off in past backtests (below).

# %%
model_table()

# %% [markdown]
# ## Fan charts for three levels
#
# The default next to a trend model (`drift`: random walk with drift), fitted on all data up
# to the latest year.

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
# The drift model extrapolates the average past change; the default says the best guess is
# today's level, with an uncertainty that grows with the horizon. Which is right is an
# empirical question, answered below.
#
# ## How the default's intervals are calibrated
#
# Rolling origins on the package's own series (at least 4 points in a window, horizons 1-5):
# each window forecasts "no change" and records the logit error. Per *kind* (national: NL;
# regional: every other region) and horizon, `q80` and `q95` are the 80% and 95% quantiles of
# those errors divided by the window's own scale (its year-to-year noise, shrunk towards the
# typical value `s0` of its kind); they never shrink with the horizon. The table is data
# (`data/calibration.csv`, with the errors in `data/calibration_scores.csv`), rebuilt by
# `tpforecast calibrate`. National series are much smoother relative to their year-to-year
# changes than regional ones, hence two tables.

# %%
calibration = pd.read_csv(data_dir() / "calibration.csv")
calibration[["kind", "horizon", "q80", "q95", "n_scores", "n_series", "first_cutoff",
             "last_year", "df", "s0"]].round(3)

# %%
sets = calibration_sets(series)
sets.drop_duplicates(["kind", "indicator", "level", "region"]).groupby("kind")["level"].agg(
    ["count", "unique"])

# %% [markdown]
# The intervals widen with the horizon by construction: the random-walk part of the noise
# accumulates and the per-horizon factors never shrink, so on the logit scale the 10-year
# width is at least 1.8 times the 1-year width (tested on every bundled series). Here for
# one level, all data:

# %%
width = tp.headline_series(series, levels=[WIDTH_LEVEL], region=REGION)
bands = tp.forecast(width, until=study.horizon, seed=study.seed, n_paths=study.n_paths)
bands.assign(width_80_pp=100 * (bands["hi_80"] - bands["lo_80"]))[
    ["level", "year", "median", "lo_80", "hi_80", "width_80_pp"]].iloc[[0, 1, 4, 6, 9, -1]].round(3)

# %% [markdown]
# ## The two-set evaluation: every model on the national and the regional series
#
# `two_set_evaluation` backtests every model on both sets (rolling origins, expanding window,
# at least 4 points, horizons 1-5) and scores the *trending* regional windows separately:
# those whose training slope is significant (|t| at the 90% level, from the training data
# only). The default is scored with its calibration rebuilt **without the evaluated level
# family** (all havo series when a havo series is evaluated, national and regional: series
# of one family share shocks), so it is never judged on its own errors.
#
# The ten models take about a thousand statsmodels fits, so `tpforecast calibrate` stores the
# result in `data/evaluation.csv` with a fingerprint of its inputs (the two sets, the shipped
# calibration, the models, seed and paths). `stored_evaluation` returns those rows when the
# fingerprint of the series at hand matches and runs `two_set_evaluation` otherwise; a test
# recomputes the stored file, so these are the numbers the function gives.

# %%
evaluation = tp.forecasting.stored_evaluation(series, seed=study.seed, n_paths=study.n_paths,
                                              progress=False)
rp.evaluation_display(evaluation)

# %% [markdown]
# Cover: share of held-out points inside the 80% interval at horizons 1 to 5 (goal 0.75-0.85),
# and the 95% interval pooled. MAE in points with its ratio to naive on the same points. IS80:
# the 80% interval score in points (width plus a penalty for misses; lower is better).
# `n/a`: no forecast at all (glm_binomial needs counts; the national series have none).
#
# ## The goals of the default

# %%
rp.goals_display(tp.forecasting.evaluation_goals(evaluation))

# %%
print(rp.evaluation_text(evaluation))

# %% [markdown]
# Calibrated on average is not calibrated per level: coverage of the default's intervals per
# level family (the same backtests, horizons 1-5 pooled).

# %%
tp.forecasting.family_coverage(series, seed=study.seed, n_paths=study.n_paths).round(2)

# %% [markdown]
# ## Residual checks of the default model
#
# One-step-ahead forecast errors (fit on the data up to a year, forecast the next published
# year, the calibration without the level's family). With 7-13 points per series these checks
# have little power; they flag gross problems only.

# %%
diag = model_diagnostics(headline, models=DEFAULT_MODEL)
diag[["level", "n_obs", "n_errors", "mean_error_pp", "mae_pp", "acf1", "ljung_box_p",
      "coverage_80", "coverage_95"]].round(2)

# %%
print(rp.diagnostics_text(diag))

# %% [markdown]
# ## What this means
#
# On these series *nothing clearly beats "no change"* as a point forecast, on either set
# (errors pooled over the horizons one to five years): every trend model here (drift, linear,
# logit-linear, the damped trend, the local linear trend, the binomial GLM and the ensemble)
# has 1.2 to 2.6 times the naive error, and the local level, itself a no-change forecast of a
# smoothed level, is 1% better on the regional set and 2% worse on the national one.
# The shares grew until about 2014/15 and then flattened or fell, nationally and in most
# regions, so trends fitted in a window more often reverse than continue. That holds on the
# trending regional windows too: the goal of 10% less error than naive there is **not met by
# any model** (of all ten); the best, the local level, is 5% better, the default ties naive
# (ratio 1.00).
#
# What the default adds is honest uncertainty. Its 80% intervals contained 75-83% of the
# held-out national values and 77-83% of the regional ones at every horizon, inside the
# 75-85% goal on both sets, with the best interval score of all models on the regional set
# and second only to the local level nationally (scored there on its own, longer windows).
# Naive's intervals are too wide nationally (88-94%); the local level's, the old default, too
# narrow regionally (64-69%); the trend models' far too narrow. Pooled over a set is not per
# level: per level family the default's 80% intervals hold 70-73% of the havo and vmbo
# outcomes but 91-94% of higher education's, and 53% of the five national transition
# (doorstroom) series, whose family is left out of their own calibration and behaves like
# no other.
#
# So the numbers in the next notebooks answer "where would the share be if nothing changes
# structurally, and how sure can we be", with intervals that widen year by year, not "where
# does the trend lead". A 40% goal that needs a clear upward trend gets a low probability from
# this model, and it never calls a target below today's level "more likely than not" later;
# the scenario notebook shows what acceleration would have been needed instead.
