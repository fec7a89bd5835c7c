# %% [markdown]
# # 4. Acceleration scenarios: what would it have taken?
#
# Notebook 3 showed that, seen from 2016, the trend made 40% in 2020 very unlikely. The policy
# texts knew it: "De instroom moeten we zien te versnellen" (*Notitie doorontwikkeling
# Techniekpact Oost 2020*), and Overijssel reported "een lichte groei van de instroom (1% per
# niveau)". This notebook puts futures side by side:
#
# * `baseline`: the default trend model's forecast from the latest data;
# * `observed_pace`: one extra point per year from the last observation (the Overijssel pace);
# * `stagnation`: the share stays at its last value;
# * `ambitions`: each level reaches its own ambition or goal in its target year;
# * `required`: the acceleration from 2016/17 that puts the median on 40% in 2020/21.
#
# The scenarios are defined in `data/scenarios.yml`, which analysts can edit.

# %% tags=["parameters"]
TARGET = 0.40
TARGET_YEAR = 2020
STARTS = [2016, 2018, 2020]
PACE = 1.0
SEED = 0
N_PATHS = 2000
REGION = "NL"
LEVELS = ["mbo", "hbo", "wo", "ho", "havo", "vwo", "vmbo_bb", "vmbo_kb"]
PANEL_LEVELS = ["mbo", "hbo", "wo", "havo"]
UNTIL = 2030

# %%
import matplotlib

matplotlib.use("Agg")  # figures are shown explicitly with an.show(...)

import pandas as pd

import tpforecast as tp
from tpforecast.report import analysis as an
from tpforecast.scenarios import acceleration_table

pd.set_option("display.width", 120)
pd.set_option("display.max_colwidth", 70)
series = tp.load_series()
targets = tp.load_targets()
headline = an.headline_series(series, LEVELS, region=REGION)
scenarios = tp.load_scenarios()
pd.DataFrame({"scenario": [s.name for s in scenarios],
              "description": [s.description for s in scenarios]})

# %% [markdown]
# ## The scenarios side by side
#
# Pupil totals are needed to turn points into students. The monitor prints technical counts
# and shares but rarely totals for mbo, hbo and wo, so the totals they imply (count / share)
# are filled in first (flag `n_total_from_share`; the rounding of printed percentages makes
# them uncertain by about 2%).

# %%
with_totals = an.fill_implied_totals(headline)
print(f"implied totals filled in: {with_totals.attrs['filled']} rows")
runs = tp.run_scenarios(with_totals.loc[with_totals["level"].isin(PANEL_LEVELS)], scenarios,
                        until=UNTIL, seed=SEED, target=TARGET, n_paths=N_PATHS, progress=False)
fig = tp.plot_scenarios(runs, data=headline, targets=TARGET, ncols=2,
                        title="Scenarios, the Netherlands")
an.show(fig)

# %% [markdown]
# The bands are 80% intervals. `baseline` and `stagnation` nearly coincide: the default model's
# best guess is the current level. `observed_pace` (one point a year) closes the gap to 40%
# only in the 2030s for mbo and hbo. The `required` and `ambitions` paths start in 2016/17 from
# the data known in 2015/16 and show how steep the climb would have had to be; a level already
# on course gets no extra growth (havo in `required`), never a slowdown. The table gives the
# medians in 2030.

# %%
at_end = runs.loc[runs["year"] == UNTIL]
at_end.pivot_table(index="level", columns="scenario", values="mean", sort=True).round(3)

# %% [markdown]
# ## Required acceleration by start year
#
# Extra percentage points per year, on top of the default model's forecast with the data known
# just before the start (a flat line at the last level), that put the median on 40% in 2020/21
# (negative: the level was on course anyway, slack rather than a cut). The later the start,
# the steeper the climb. `historic_pp_per_year_to_2015` is the growth of the last five values
# before 2016, for comparison. The last columns give the year 40% is reached if the share grows
# at the observed pace of one point a year from the latest data (median with the 80% range).

# %%
acc = acceleration_table(headline, TARGET, TARGET_YEAR, starts=STARTS, pace=PACE, region=REGION,
                         seed=SEED, n_paths=N_PATHS)
cols = ["level", "indicator", *[f"required_pp_per_year_from_{s}" for s in STARTS],
        f"historic_pp_per_year_to_{STARTS[0] - 1}", "last_year", "last_share",
        "first_year_at_pace", "first_year_at_pace_lo", "first_year_at_pace_hi"]
acc[cols].round(2)

# %%
for r in acc.itertuples(index=False):
    req = [getattr(r, f"required_pp_per_year_from_{s}") for s in STARTS]
    req_txt = ", ".join(f"from {s}: {'n/a' if pd.isna(v) else f'{round(v, 1) + 0:+.1f}'}"
                        for s, v in zip(STARTS, req, strict=True))
    pace = an.format_year_range(r.first_year_at_pace, r.first_year_at_pace_lo,
                                r.first_year_at_pace_hi, already=r.last_share >= TARGET)
    print(f"{r.level}: extra points/year needed for {TARGET:.0%} in {TARGET_YEAR}: {req_txt}; "
          f"at +{PACE:g} point/year: {pace}")

# %% [markdown]
# ## What it means in students
#
# The extra technical entrants per year implied by the `required` scenario relative to the same
# forecast without acceleration (the default model with the data to 2015/16): scenario share
# minus that share, times the projected total of the level (how each total was projected is
# stated in `n_total_projection`).

# %%
req_students = runs.loc[(runs["scenario"] == "required") & (runs["year"] == TARGET_YEAR),
                        ["level", "extra_pp_per_year", "mean", "extra_students",
                         "n_total_proj", "n_total_projection"]]
req_students.round(1)

# %%
for r in req_students.itertuples(index=False):
    extra = "n/a" if pd.isna(r.extra_students) else f"{r.extra_students:+,.0f}"
    print(f"{r.level}: required {r.extra_pp_per_year:+.1f} points/year from 2016 -> "
          f"{extra} technical entrants in {TARGET_YEAR}/{(TARGET_YEAR + 1) % 100} "
          f"versus no acceleration")
intake = req_students.loc[req_students["level"].isin(["mbo", "hbo", "wo"])]
extra_total = intake["extra_students"].sum()
base_total = (intake["mean"] * intake["n_total_proj"]).sum() - extra_total
print(f"mbo+hbo+wo together: {round(extra_total, -3):+,.0f} technical entrants in "
      f"{TARGET_YEAR}/{(TARGET_YEAR + 1) % 100} on top of about {round(base_total, -3):,.0f} "
      f"on the trend of 2016 ({extra_total / base_total:+.0%})")

# %% [markdown]
# In students: an acceleration from 2016/17 that put the median on 40% in 2020/21 would
# have meant, in 2020/21 alone, roughly 21,000 more technical mbo entrants, 18,000 more in hbo
# and 3,000 more in wo than on the 2016 trend: about half as many again as the technical
# entrants those three levels had (printed above). Havo needed nothing extra (it was on course
# in 2016), so its row is zero. The totals for mbo, hbo and wo are implied by the monitor's
# counts and shares and kept at their last known value (mbo 2009/10, hbo and wo 2015/16; see
# `n_total_projection`); they are uncertain by a few percent, and real intake totals have
# changed since, so read these as orders of magnitude.
#
# ## What this means
#
# The 40% goal needed an acceleration, not a continuation. From 2016/17 it took about 2.6 (mbo)
# to 3.6 (hbo) extra points a year, 1.0 for wo, where the intake levels had grown by at most
# about one point a year (`historic_pp_per_year_to_2015`): for mbo and hbo roughly three times
# the one point a year Overijssel reported. Every year of waiting made it steeper: from 2018/19
# it took up to 5 points a year, and from 2020/21 mbo and hbo would have needed 12 to 16 points
# in one year. At one point a year from the latest data, 40% is reached in the late 2020s for
# havo and wo and in the 2030s or around 2040 for ho, mbo, hbo and vmbo bb/kb. These are medians
# with the default model's uncertainty (bands and ranges above); the student numbers rest on
# implied totals and are orders of magnitude, not plans.
