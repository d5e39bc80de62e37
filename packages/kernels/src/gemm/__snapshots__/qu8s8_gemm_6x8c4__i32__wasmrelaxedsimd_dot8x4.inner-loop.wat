        loop $while-continue|4
         local.get $19
         local.get $38
         i32.lt_u
         if
          local.get $4
          v128.load
          local.tee $39
          local.get $19
          v128.load32_splat
          local.tee $40
          local.get $23
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $23
          local.get $4
          v128.load offset=16
          local.tee $41
          local.get $40
          local.get $18
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $18
          local.get $39
          local.get $19
          v128.load32_splat offset=4
          local.tee $40
          local.get $21
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $21
          local.get $41
          local.get $40
          local.get $20
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $20
          local.get $39
          local.get $19
          v128.load32_splat offset=8
          local.tee $40
          local.get $26
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $26
          local.get $41
          local.get $40
          local.get $27
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $27
          local.get $39
          local.get $19
          v128.load32_splat offset=12
          local.tee $40
          local.get $28
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $28
          local.get $41
          local.get $40
          local.get $29
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $29
          local.get $39
          local.get $19
          v128.load32_splat offset=16
          local.tee $40
          local.get $30
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $30
          local.get $41
          local.get $40
          local.get $31
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $31
          local.get $39
          local.get $19
          v128.load32_splat offset=20
          local.tee $39
          local.get $32
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $32
          local.get $41
          local.get $39
          local.get $33
          i32x4.relaxed_dot_i8x16_i7x16_add_s
          local.set $33
          local.get $19
          i32.const 24
          i32.add
          local.set $19
          local.get $4
          i32.const 32
          i32.add
          local.set $4
          br $while-continue|4
         end
        end