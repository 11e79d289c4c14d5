"""Rules as data: dated policy parameters (`parameters/<region>/*.yaml`), the trainee-group vocabulary
(`groups.yaml`) and readable policy test cases (`tests/<region>/*.yaml`). A package so it ships."""
