# %% [markdown]
# # 2. Trends per level: which model do we trust?
#
# A probability of "40% in 2020" is only as good as the model behind it. This notebook fits the
# candidate trend models to the national headline series, checks their residuals, and scores
# them in a rolling-origin backtest: each model is refitted on the data up to a cutoff year and
# judged on the years after it, exactly as if it had been used at that time.

# %% tags=["parameters"]
REGION = "NL"
TARGET = 0.40
SEED = 0
N_PATHS = 2000
FAN_LEVELS = ["havo", "mbo", "wo"]
HORIZONS = [3, 4, 5]

# %%
import matplotlib

matplotlib.use("Agg")  # figures are shown explicitly with an.show(...)

import pandas as pd

import tpforecast as tp
from tpforecast.forecasting.backtesting import default_model_evidence
from tpforecast.models import DEFAULT_MODEL, get_model
from tpforecast.report import analysis as an

pd.set_option("display.width", 120)
series = tp.load_series()
headline = an.drop_short_series(an.headline_series(series, region=REGION), min_obs=3)
print("series modelled:", ", ".join(headline["level"].unique()))
print("too short (fewer than 3 shares):", "; ".join(headline.attrs["dropped"]) or "none")

# %% [markdown]
# ## The models
#
# All work on the logit of the share (so forecasts stay between 0 and 100%) except `linear`.

# %%
pd.DataFrame({"model": tp.available_models(),
              "min_points": [get_model(m).min_obs for m in tp.available_models()],
              "description": [get_model(m).description for m in tp.available_models()]})

# %% [markdown]
# ## Fan charts for three levels
#
# The default model (`auto`: a local level, i.e. random walk plus noise, where a series has at
# least 5 points; a plain random walk below that) next to a trend model (`drift`: random walk
# with drift), fitted on all data up to the latest year.

# %%
fc = tp.forecast(headline.loc[headline["level"].isin(FAN_LEVELS)], models=[DEFAULT_MODEL, "drift"],
                 until=2030, seed=SEED, n_paths=N_PATHS)
fc.loc[fc["year"] == 2030, ["level", "model", "mean", "lo_80", "hi_80"]].round(3)

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(2, 3, figsize=(15, 8), layout="constrained", sharey=False)
for col, level in enumerate(FAN_LEVELS):
    data = headline.loc[headline["level"] == level]
    for row, model in enumerate([DEFAULT_MODEL, "drift"]):
        caption = ("Source: Techniekpact monitor and related published figures. Bands: 80% and "
                   "95% prediction intervals." if (row, col) == (0, 0) else " ")
        tp.plot_forecast(data, fc.loc[fc["level"] == level], target=TARGET, ax=axes[row, col],
                         model=model, title=f"{level}: {model}", source=caption)
fig.suptitle("Forecasts of the share choosing technique, the Netherlands", fontweight="bold")
fig.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))  # room for the source line
an.show(fig)

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
diag = an.model_diagnostics(headline, DEFAULT_MODEL)
diag[["level", "n_obs", "n_errors", "mean_error_pp", "mae_pp", "acf1", "ljung_box_p",
      "coverage_80", "coverage_95"]].round(2)

# %%
pooled = diag.iloc[-1]
print(f"default model, one-step errors pooled: n = {pooled['n_errors']}, "
      f"mean error {pooled['mean_error_pp']:+.1f} points, MAE {pooled['mae_pp']:.1f} points, "
      f"80% interval coverage {pooled['coverage_80']:.0%}")

# %% [markdown]
# ## Backtest: accuracy and calibration by model and horizon
#
# Expanding-window backtest over all national series (the headline and the other published
# national series with at least 6 points before a cutoff). MAE in percentage points; MASE
# scales each error by the series' typical one-year change, so values above 1 at long horizons
# are normal; what matters is the comparison with `naive` (no change). Coverage is the share of
# held-out values inside the 80% / 95% intervals.

# %%
national = an.drop_short_series(series.loc[series["region"] == REGION], min_obs=3)
bt = tp.backtest(national, horizons=range(1, 7), min_train=6, seed=SEED, n_paths=N_PATHS,
                 progress=False)
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
naive = ev.loc[ev["model"] == "naive"].iloc[0]
best_trend = ev.loc[~ev["model"].isin(["naive", "local_level", "auto"])].iloc[0]
default = ev.loc[ev["model"] == DEFAULT_MODEL].iloc[0]
print(f"models that beat naive on MASE at horizons 3-5: "
      f"{', '.join(ev.loc[ev['beats_naive'], 'model']) or 'none'}")
print(f"naive: MASE {naive['mase']:.2f}, 80% coverage {naive['coverage_80']:.0%}")
print(f"best trend model ({best_trend['model']}): MASE {best_trend['mase']:.2f}, "
      f"80% coverage {best_trend['coverage_80']:.0%}")
print(f"default ({DEFAULT_MODEL}): MASE {default['mase']:.2f}, "
      f"80% coverage {default['coverage_80']:.0%}")

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
