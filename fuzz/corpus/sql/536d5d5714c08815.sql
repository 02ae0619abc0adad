SELECT Country FROM sales WHERE
