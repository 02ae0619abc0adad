SELECT current_date() >= DATE '2024-01-01', current_timestamp() > TIMESTAMP '2024-01-01 00:00:00', current_date = current_date
