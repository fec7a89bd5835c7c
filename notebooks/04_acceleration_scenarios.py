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
#
# `REGION` chooses the region (NL, Oost, Overijssel, Gelderland, ...); the committed outputs
# and the readings in the text are for `REGION = "NL"`. For a landsdeel or province the
# scenarios that start in 2016/17 on the data of 2015/16 (`ambitions`, `required`) have no
# result: its series start in 2014/15 or later, too late for a model then; the tables say so
# and the later starts (2018, 2020) and the observed pace still answer.

# %% tags=["parameters"]
STUDY = None  # the study settings file (None: data/study.yml)
CHANGES = {}  # settings to change, e.g. {"starts": [2016, 2019]}
REGION = "NL"
LEVELS = ["mbo", "hbo", "wo", "ho", "havo", "vwo", "vmbo_bb", "vmbo_kb"]
PANEL_LEVELS = ["mbo", "hbo", "wo", "havo"]
INTAKE_LEVELS = ["mbo", "hbo", "wo"]

# %%
import pandas as pd

import tpforecast as tp
import tpforecast.report as rp
from tpforecast.forecasting import fill_implied_totals
from tpforecast.scenarios import scenario_table

rp.warnings_as_lines()  # series a function leaves out: one line each
pd.set_option("display.width", 120)
pd.set_option("display.max_colwidth", 70)
study = tp.load_study(STUDY).replace(**CHANGES)
series = tp.load_series()
headline = tp.headline_series(series, levels=LEVELS, region=REGION)
scenarios = tp.load_scenarios()
run = {"seed": study.seed, "n_paths": study.n_paths}
scenario_table(scenarios)

# %% [markdown]
# ## The scenarios side by side
#
# Pupil totals are needed to turn points into students. The monitor prints technical counts
# and shares but rarely totals for mbo, hbo and wo, so the totals they imply (count / share)
# are filled in first (flag `n_total_from_share`; the rounding of printed percentages makes
# them uncertain by about 2%).

# %%
with_totals = fill_implied_totals(tp.headline_series(series, levels=PANEL_LEVELS, region=REGION))
runs = tp.run_scenarios(with_totals, scenarios=scenarios, until=study.until,
                        target=study.target, **run)
fig = tp.plot_scenarios(runs, data=headline, targets=study.target, ncols=2,
                        title=f"Scenarios, {REGION}")
rp.show(fig)

# %% [markdown]
# The bands are 80% intervals. `baseline` and `stagnation` nearly coincide: the default model's
# best guess is the current level. `observed_pace` (one point a year) closes the gap to 40%
# only in the 2030s for mbo and hbo. The `required` and `ambitions` paths start in 2016/17 from
# the data known in 2015/16 and show how steep the climb would have had to be; a level already
# on course gets no extra growth (havo in `required`), never a slowdown. The table gives the
# medians in 2030.

# %%
at_end = runs.loc[runs["year"] == study.until]
at_end.pivot_table(index="level", columns="scenario", values="median", sort=True).round(3)

# %% [markdown]
# ## Required acceleration by start year
#
# Extra percentage points per year, on top of the default model's forecast with the data known
# just before the start (a flat line at the last level), that put the median on 40% in 2020/21
# (negative: the level was on course anyway, slack rather than a cut). The later the start,
# the steeper the climb. "pace to 2015" is the growth of the last five values up to 2015/16,
# for comparison. The last column gives the year 40% is reached if the share grows at the
# observed pace of one point a year from the latest data (median with the 80% range). It is the
# table of the report and the README.

# %%
acc = tp.acceleration_table(headline, target=study.target, year=study.target_year,
                            starts=study.starts, pace=study.pace, **run)
rp.acceleration_display(acc, horizon=study.horizon)

# %%
print(rp.acceleration_lines(acc, horizon=study.horizon))

# %% [markdown]
# ## What it means in students
#
# The extra technical entrants per year implied by the `required` scenario relative to the same
# forecast without acceleration (the default model with the data to 2015/16): scenario share
# minus that share, times the projected total of the level (how each total was projected is
# stated in `n_total_projection`).

# %%
required = runs.loc[(runs["scenario"] == "required") & (runs["year"] == study.target_year)]
required[["level", "extra_pp_per_year", "median", "extra_students", "n_total_proj",
          "n_total_projection"]].round(1)

# %%
print(rp.students_text(runs, scenario="required", year=study.target_year,
                       together=INTAKE_LEVELS))

# %% [markdown]
# In students: an acceleration from 2016/17 that put the median on 40% in 2020/21 would
# have meant, in 2020/21 alone, roughly 19,000 more technical mbo entrants, 19,000 more in hbo
# and 4,000 more in wo than on the 2016 trend: about half as many again (+47%) as the
# technical entrants those three levels would have had on that trend (about 89,000; printed
# above). Havo needed nothing extra (it was on course
# in 2016), so its row is zero. The entrants of 2020/21 are those the monitor's counts and
# shares imply for the years around it (mbo about 146,000, between 151,000 in 2019/20 and
# 136,000 in 2022/23; hbo and wo after 2019/20 by their own trend; see `n_total_projection`):
# totals are facts, so they use all data, not only what 2016 knew. They are uncertain by a few
# percent (the shares are printed in whole percents), so read these as orders of magnitude.
#
# ## What this means
#
# In every region the 40% goal for the intake levels together needed an acceleration, not a
# continuation; for a region the printed lines above give its own numbers from the first start
# its data allow. For the Netherlands (the committed run): from 2016/17 it took about 2.6
# (mbo) to 3.6 (hbo) extra points a year, 1.0 for wo, where the intake levels had grown by at
# most about one point a year ("pace to 2015"): for mbo and hbo roughly three times the one
# point a year Overijssel reported. Every year of waiting made it steeper: from 2018/19 it took
# up to 5 points a year in the intake levels (hbo; vmbo kb 6), and from 2020/21 mbo and hbo
# would have needed 12 to 16 points in one year. At one point a year from the latest data, 40%
# is reached in 2026-2027 for havo and wo and in the 2030s or around 2040 for ho, mbo, hbo and
# vmbo bb/kb. These are medians with the default model's uncertainty (bands and ranges above);
# the student numbers rest on implied totals and are orders of magnitude, not plans.
